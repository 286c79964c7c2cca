using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyGenerateRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Generates_a_32_byte_key_whose_76_byte_ciphertext_decrypts_with_the_same_context()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-gen")).AssertOk();
        var context = Kes.B64("{\"bucket\":\"b\",\"object\":\"o\"}");
        var json = await (await _server.App().PostJson("/v1/key/generate/app-gen", new { context })).Json();
        var plaintext = json.GetProperty("plaintext").GetString()!;
        var ciphertext = json.GetProperty("ciphertext").GetString()!;
        Assert.Equal(32, Convert.FromBase64String(plaintext).Length);
        Assert.Equal(76, Convert.FromBase64String(ciphertext).Length);

        var decrypted = await (await _server.App().PostJson("/v1/key/decrypt/app-gen", new { ciphertext, context })).Json();
        Assert.Equal(plaintext, decrypted.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task An_empty_body_means_no_context()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-gen-empty")).AssertOk();
        var json = await (await _server.App().Send("POST", "/v1/key/generate/app-gen-empty")).Json();
        var decrypted = await (await _server.App().PostJson("/v1/key/decrypt/app-gen-empty", new { ciphertext = json.GetProperty("ciphertext").GetString() })).Json();
        Assert.Equal(json.GetProperty("plaintext").GetString(), decrypted.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task Put_is_accepted()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-gen-put")).AssertOk();
        await (await _server.App().Send("PUT", "/v1/key/generate/app-gen-put", "{}")).AssertOk();
    }

    [Fact]
    public async Task Errors_for_missing_key_bad_base64_name_method_and_policy()
    {
        await (await _server.App().PostJson("/v1/key/generate/app-gen-missing", new { context = "" })).AssertError(HttpStatusCode.NotFound, "key does not exist");
        await (await _server.App().Send("POST", "/v1/key/create/app-gen-err")).AssertOk();
        await (await _server.App().PostJson("/v1/key/generate/app-gen-err", new { context = "%%%" })).AssertError(HttpStatusCode.BadRequest, "invalid request body: 'context' is not base64");
        await (await _server.App().Send("POST", "/v1/key/generate/app-gen-err", "[1]")).AssertError(HttpStatusCode.BadRequest, "invalid request body: expected a JSON object");
        await (await _server.Admin().Send("POST", "/v1/key/generate/bad!")).AssertError(HttpStatusCode.BadRequest, "key name 'bad!' is empty, too long or contains invalid characters");
        await (await _server.App().Send("GET", "/v1/key/generate/app-gen-err")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("POST", "/v1/key/generate/app-gen-err")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
