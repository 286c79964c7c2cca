using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class PolicyDescribeRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Describes_a_policy_from_the_config()
    {
        var json = await (await _server.App().Send("GET", "/v1/policy/describe/app")).Json();
        Assert.Equal("app", json.GetProperty("name").GetString());
        Assert.Equal(TestPki.IdentityOf(TestPki.Instance.Admin), json.GetProperty("created_by").GetString());
    }

    [Fact]
    public async Task Errors()
    {
        await (await _server.App().Send("GET", "/v1/policy/describe/nope")).AssertError(HttpStatusCode.NotFound, "policy does not exist");
        await (await _server.App().Send("GET", "/v1/policy/describe/-x")).AssertError(HttpStatusCode.BadRequest, "policy name '-x' is empty, too long or contains invalid characters");
        await (await _server.App().Send("POST", "/v1/policy/describe/app")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/policy/describe/app")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
