using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyHmacRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Hmac_is_32_bytes_deterministic_and_key_specific()
    {
        await _server.App().Send("POST", "/v1/key/create/app-hmac-a");
        await _server.App().Send("POST", "/v1/key/create/app-hmac-b");
        var body = new { message = Kes.B64("message") };
        var a1 = (await (await _server.App().Send("PUT", "/v1/key/hmac/app-hmac-a", System.Text.Json.JsonSerializer.Serialize(body))).Json()).GetProperty("hmac").GetString()!;
        var a2 = (await (await _server.App().PostJson("/v1/key/hmac/app-hmac-a", body)).Json()).GetProperty("hmac").GetString()!;
        var b = (await (await _server.App().PostJson("/v1/key/hmac/app-hmac-b", body)).Json()).GetProperty("hmac").GetString()!;
        Assert.Equal(32, Convert.FromBase64String(a1).Length);
        Assert.Equal(a1, a2);
        Assert.NotEqual(a1, b);
    }

    [Fact]
    public async Task An_imported_key_has_no_hmac_key_409()
    {
        await (await _server.App().PostJson("/v1/key/import/app-hmac-imported", new { key = Convert.ToBase64String(new byte[32]), cipher = "AES256" })).AssertOk();
        await (await _server.App().PostJson("/v1/key/hmac/app-hmac-imported", new { message = Kes.B64("m") }))
            .AssertError(HttpStatusCode.Conflict, "key 'app-hmac-imported' does not support HMAC");
    }

    [Fact]
    public async Task Errors_for_missing_key_method_and_policy()
    {
        await (await _server.App().PostJson("/v1/key/hmac/app-hmac-missing", new { message = Kes.B64("m") })).AssertError(HttpStatusCode.NotFound, "key does not exist");
        await (await _server.App().Send("GET", "/v1/key/hmac/app-x")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().PostJson("/v1/key/hmac/app-x", new { message = Kes.B64("m") })).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
