using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class IdentityDescribeRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Describes_an_assigned_identity_and_the_admin()
    {
        var app = await (await _server.App().Send("GET", "/v1/identity/describe/" + TestPki.IdentityOf(TestPki.Instance.App))).Json();
        Assert.Equal("app", app.GetProperty("policy").GetString());
        Assert.False(app.TryGetProperty("admin", out _));
        var admin = await (await _server.App().Send("GET", "/v1/identity/describe/" + TestPki.IdentityOf(TestPki.Instance.Admin))).Json();
        Assert.True(admin.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task Errors()
    {
        await (await _server.App().Send("GET", "/v1/identity/describe/" + TestPki.IdentityOf(TestPki.Instance.Other))).AssertError(HttpStatusCode.NotFound, "identity does not exist");
        await (await _server.App().Send("POST", "/v1/identity/describe/x")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/identity/describe/x")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
