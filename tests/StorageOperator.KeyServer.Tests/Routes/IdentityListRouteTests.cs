using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class IdentityListRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Lists_assigned_identities_and_the_admin()
    {
        var json = await (await _server.App().Send("GET", "/v1/identity/list/*")).Json();
        var identities = json.GetProperty("identities").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains(TestPki.IdentityOf(TestPki.Instance.App), identities);
        Assert.Contains(TestPki.IdentityOf(TestPki.Instance.Admin), identities);
        Assert.DoesNotContain(TestPki.IdentityOf(TestPki.Instance.Other), identities);
        var byPrefix = await (await _server.App().Send("GET", "/v1/identity/list/" + TestPki.IdentityOf(TestPki.Instance.App)[..6])).Json();
        Assert.Contains(TestPki.IdentityOf(TestPki.Instance.App), byPrefix.GetProperty("identities").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Errors()
    {
        await (await _server.App().Send("DELETE", "/v1/identity/list/*")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/identity/list/*")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
