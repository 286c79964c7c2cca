using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyDeleteRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Deletes_and_then_the_key_is_gone()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-delete")).AssertOk();
        await (await _server.App().Send("DELETE", "/v1/key/delete/app-delete")).AssertOk();
        await (await _server.App().Send("GET", "/v1/key/describe/app-delete")).AssertError(HttpStatusCode.NotFound, "key does not exist");
        await (await _server.App().Send("DELETE", "/v1/key/delete/app-delete")).AssertError(HttpStatusCode.NotFound, "key does not exist");
    }

    [Fact]
    public async Task A_denied_delete_is_403_but_the_admin_may()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-protected")).AssertOk();
        await (await _server.App().Send("DELETE", "/v1/key/delete/app-protected")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await _server.Admin().Send("DELETE", "/v1/key/delete/app-protected")).AssertOk();
    }

    [Fact]
    public async Task Errors_for_name_and_method()
    {
        await (await _server.Admin().Send("DELETE", "/v1/key/delete/a.b")).AssertError(HttpStatusCode.BadRequest, "key name 'a.b' is empty, too long or contains invalid characters");
        await (await _server.App().Send("POST", "/v1/key/delete/app-x")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
    }
}
