using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyImportRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Key32 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("AES256", "AES256")]
    [InlineData("AES256-GCM_SHA256", "AES256")]
    [InlineData("ChaCha20", "ChaCha20")]
    [InlineData("XCHACHA20-POLY1305", "ChaCha20")]
    public async Task Imports_with_every_cipher_name(string cipher, string algorithm)
    {
        var name = "app-import-" + cipher.Replace('_', '-').ToLowerInvariant();
        await (await _server.App().PostJson("/v1/key/import/" + name, new { key = Key32, cipher })).AssertOk();
        var described = await (await _server.App().Send("GET", "/v1/key/describe/" + name)).Json();
        Assert.Equal(algorithm, described.GetProperty("algorithm").GetString());
    }

    [Fact]
    public async Task An_existing_key_is_400_and_not_replaced()
    {
        await (await _server.App().PostJson("/v1/key/import/app-import-twice", new { key = Key32, cipher = "AES256" })).AssertOk();
        var ciphertext = (await (await _server.App().PostJson("/v1/key/encrypt/app-import-twice", new { plaintext = Kes.B64("x") })).Json()).GetProperty("ciphertext").GetString();
        var other = Convert.ToBase64String(new byte[32]);
        await (await _server.App().PostJson("/v1/key/import/app-import-twice", new { key = other, cipher = "AES256" }))
            .AssertError(HttpStatusCode.BadRequest, "key already exists");
        await (await _server.App().PostJson("/v1/key/decrypt/app-import-twice", new { ciphertext })).AssertOk();
    }

    [Fact]
    public async Task A_wrong_key_size_is_406() =>
        await (await _server.App().PostJson("/v1/key/import/app-import-short", new { key = Convert.ToBase64String(new byte[16]), cipher = "AES256" }))
            .AssertError(HttpStatusCode.NotAcceptable, "invalid key size");

    [Fact]
    public async Task An_unknown_cipher_is_406() =>
        await (await _server.App().PostJson("/v1/key/import/app-import-des", new { key = Key32, cipher = "DES" }))
            .AssertError(HttpStatusCode.NotAcceptable, "invalid cipher 'DES'");

    [Fact]
    public async Task Malformed_json_is_400() =>
        await (await _server.App().Send("POST", "/v1/key/import/app-import-bad", "{not json"))
            .AssertError(HttpStatusCode.BadRequest, "invalid request body: malformed JSON");

    [Fact]
    public async Task A_body_over_1_MiB_is_413()
    {
        var huge = "{\"key\":\"" + new string('A', (1 << 20) + 16) + "\"}";
        await (await _server.App().Send("POST", "/v1/key/import/app-import-huge", huge))
            .AssertError(HttpStatusCode.RequestEntityTooLarge, "request body too large");
    }

    [Fact]
    public async Task Invalid_name_and_policy_errors()
    {
        await (await _server.Admin().PostJson("/v1/key/import/-bad", new { key = Key32, cipher = "AES256" }))
            .AssertError(HttpStatusCode.BadRequest, "key name '-bad' is empty, too long or contains invalid characters");
        await (await _server.Other().PostJson("/v1/key/import/app-import-x", new { key = Key32, cipher = "AES256" }))
            .AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }

    [Fact]
    public async Task Delete_method_is_405() =>
        await (await _server.App().Send("DELETE", "/v1/key/import/app-x")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
}
