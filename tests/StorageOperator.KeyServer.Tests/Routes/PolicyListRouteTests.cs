using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class PolicyListRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Lists_policy_names()
    {
        var all = await (await _server.App().Send("GET", "/v1/policy/list/*")).Json();
        Assert.Equal(["app"], all.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var none = await (await _server.App().Send("GET", "/v1/policy/list/zz")).Json();
        Assert.Empty(none.GetProperty("names").EnumerateArray());
    }

    [Fact]
    public async Task Errors()
    {
        await (await _server.App().Send("PUT", "/v1/policy/list/*")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/policy/list/*")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
