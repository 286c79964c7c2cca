using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class PolicyReadRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Reads_allow_and_deny_as_pattern_maps()
    {
        var json = await (await _server.App().Send("GET", "/v1/policy/read/app")).Json();
        Assert.Equal("app", json.GetProperty("name").GetString());
        Assert.True(json.GetProperty("allow").TryGetProperty("/v1/key/*/app-*", out _));
        Assert.True(json.GetProperty("deny").TryGetProperty("/v1/key/delete/app-protected", out _));
    }

    [Fact]
    public async Task Errors()
    {
        await (await _server.App().Send("GET", "/v1/policy/read/nope")).AssertError(HttpStatusCode.NotFound, "policy does not exist");
        await (await _server.App().Send("DELETE", "/v1/policy/read/app")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/policy/read/app")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
