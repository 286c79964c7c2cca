using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class IdentitySelfDescribeRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task A_non_admin_sees_its_identity_and_policy()
    {
        var json = await (await _server.App().Send("GET", "/v1/identity/self/describe")).Json();
        Assert.Equal(TestPki.IdentityOf(TestPki.Instance.App), json.GetProperty("identity").GetString());
        Assert.Equal("app", json.GetProperty("policy").GetProperty("name").GetString());
        Assert.True(json.GetProperty("policy").GetProperty("allow").TryGetProperty("/v1/status", out _));
    }

    [Fact]
    public async Task The_admin_sees_admin_true()
    {
        var json = await (await _server.Admin().Send("GET", "/v1/identity/self/describe")).Json();
        Assert.True(json.GetProperty("admin").GetBoolean());
        Assert.Equal(TestPki.IdentityOf(TestPki.Instance.Admin), json.GetProperty("identity").GetString());
    }

    [Fact]
    public async Task Needs_no_policy_but_an_unassigned_identity_does_not_exist()
    {
        await (await _server.Other().Send("GET", "/v1/identity/self/describe")).AssertError(HttpStatusCode.NotFound, "identity does not exist");
        await (await _server.App().Send("POST", "/v1/identity/self/describe")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
    }
}
