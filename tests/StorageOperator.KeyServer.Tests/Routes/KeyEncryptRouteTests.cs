using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyEncryptRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Encrypts_so_that_decrypt_returns_the_plaintext_and_each_ciphertext_is_fresh()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-enc")).AssertOk();
        var body = new { plaintext = Kes.B64("hello, key server"), context = Kes.B64("ctx") };
        var first = (await (await _server.App().PostJson("/v1/key/encrypt/app-enc", body)).Json()).GetProperty("ciphertext").GetString()!;
        var second = (await (await _server.App().PostJson("/v1/key/encrypt/app-enc", body)).Json()).GetProperty("ciphertext").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(17 + 16 + 16 + 12, Convert.FromBase64String(first).Length);
        var decrypted = await (await _server.App().PostJson("/v1/key/decrypt/app-enc", new { ciphertext = first, context = Kes.B64("ctx") })).Json();
        Assert.Equal(body.plaintext, decrypted.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task Errors_for_missing_key_bad_body_method_and_policy()
    {
        await (await _server.App().PostJson("/v1/key/encrypt/app-enc-missing", new { plaintext = Kes.B64("x") })).AssertError(HttpStatusCode.NotFound, "key does not exist");
        await (await _server.App().Send("POST", "/v1/key/create/app-enc-err")).AssertOk();
        await (await _server.App().Send("POST", "/v1/key/encrypt/app-enc-err", "{\"plaintext\": 5}")).AssertError(HttpStatusCode.BadRequest, "invalid request body: 'plaintext' must be a base64 string");
        await (await _server.App().Send("GET", "/v1/key/encrypt/app-enc-err")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().PostJson("/v1/key/encrypt/app-enc-err", new { plaintext = Kes.B64("x") })).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await _server.Admin().PostJson("/v1/key/encrypt/a..b", new { plaintext = Kes.B64("x") })).AssertError(HttpStatusCode.BadRequest, "key name 'a..b' is empty, too long or contains invalid characters");
    }
}
