using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;
using StorageOperator.KeyServer.Tests.Keys;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyDecryptRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string DecryptFailed = "decryption failed: ciphertext is not authentic";
    private readonly TestServer _server = fixture.Server;

    private async Task<string> EncryptAsync(string key, string context)
    {
        await _server.App().Send("POST", "/v1/key/create/" + key);
        var json = await (await _server.App().PostJson("/v1/key/encrypt/" + key, new { plaintext = Kes.B64("secret"), context = Kes.B64(context) })).Json();
        return json.GetProperty("ciphertext").GetString()!;
    }

    [Fact]
    public async Task A_different_context_fails_authentication()
    {
        var ciphertext = await EncryptAsync("app-dec-ctx", "ctx-a");
        await (await _server.App().PostJson("/v1/key/decrypt/app-dec-ctx", new { ciphertext, context = Kes.B64("ctx-b") }))
            .AssertError(HttpStatusCode.BadRequest, DecryptFailed);
    }

    [Fact]
    public async Task A_tampered_ciphertext_fails_authentication()
    {
        var bytes = Convert.FromBase64String(await EncryptAsync("app-dec-tamper", "c"));
        bytes[0] ^= 1;
        await (await _server.App().PostJson("/v1/key/decrypt/app-dec-tamper", new { ciphertext = Convert.ToBase64String(bytes), context = Kes.B64("c") }))
            .AssertError(HttpStatusCode.BadRequest, DecryptFailed);
    }

    [Fact]
    public async Task Another_key_or_garbage_fails_authentication()
    {
        var ciphertext = await EncryptAsync("app-dec-one", "c");
        await _server.App().Send("POST", "/v1/key/create/app-dec-two");
        await (await _server.App().PostJson("/v1/key/decrypt/app-dec-two", new { ciphertext, context = Kes.B64("c") })).AssertError(HttpStatusCode.BadRequest, DecryptFailed);
        await (await _server.App().PostJson("/v1/key/decrypt/app-dec-two", new { ciphertext = Convert.ToBase64String(new byte[5]) })).AssertError(HttpStatusCode.BadRequest, DecryptFailed);
        await (await _server.App().PostJson("/v1/key/decrypt/app-dec-two", new { ciphertext = Kes.B64("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\"}") })).AssertError(HttpStatusCode.BadRequest, DecryptFailed);
    }

    [Fact]
    public async Task The_version_field_is_ignored()
    {
        var ciphertext = await EncryptAsync("app-dec-version", "c");
        var json = await (await _server.App().PostJson("/v1/key/decrypt/app-dec-version", new { ciphertext, context = Kes.B64("c"), version = "v7" })).Json();
        Assert.Equal(Kes.B64("secret"), json.GetProperty("plaintext").GetString());
    }

    [Theory]
    [InlineData("AES256", nameof(KesVectors.AesBinary))]
    [InlineData("AES256", nameof(KesVectors.AesJson))]
    [InlineData("AES256", nameof(KesVectors.AesMsgPack))]
    [InlineData("ChaCha20", nameof(KesVectors.ChaChaBinary))]
    [InlineData("ChaCha20", nameof(KesVectors.ChaChaJson))]
    [InlineData("ChaCha20", nameof(KesVectors.ChaChaMsgPack))]
    public async Task Fixed_vectors_in_every_format_decrypt_through_the_api(string cipher, string vector)
    {
        var name = "app-vec-" + vector.ToLowerInvariant();
        await (await _server.App().PostJson("/v1/key/import/" + name, new { key = Convert.ToBase64String(KesVectors.Key), cipher })).AssertOk();
        var json = await (await _server.App().PostJson("/v1/key/decrypt/" + name, new
        {
            ciphertext = KesVectors.ByName(vector),
            context = Convert.ToBase64String(KesVectors.Context),
        })).Json();
        Assert.Equal(Convert.ToBase64String(KesVectors.Plaintext), json.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task Errors_for_missing_key_method_and_policy()
    {
        await (await _server.App().PostJson("/v1/key/decrypt/app-dec-missing", new { ciphertext = KesVectors.AesBinary })).AssertError(HttpStatusCode.NotFound, "key does not exist");
        await (await _server.App().Send("DELETE", "/v1/key/decrypt/app-x")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().PostJson("/v1/key/decrypt/app-x", new { ciphertext = KesVectors.AesBinary })).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await _server.Admin().PostJson("/v1/key/decrypt/x-", new { ciphertext = KesVectors.AesBinary })).AssertError(HttpStatusCode.BadRequest, "key name 'x-' is empty, too long or contains invalid characters");
    }
}
