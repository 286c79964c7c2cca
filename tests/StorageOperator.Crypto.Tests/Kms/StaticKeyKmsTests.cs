using System.Text;
using StorageOperator.Crypto.Kms;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

public class StaticKeyKmsTests
{
    private const string MinioSecret = "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";

    [Fact]
    public async Task Generate_and_decrypt_round_trip_bound_to_the_context()
    {
        using var kms = StaticKeyKms.Parse(MinioSecret);
        var context = KmsContext.Marshal(KmsContext.ForObject("bucket", "object"));
        var key = await kms.GenerateKeyAsync("", context, CancellationToken.None);

        Assert.Equal("my-key", key.KeyId);
        Assert.Equal(32, key.Plaintext.Length);
        Assert.Equal(76, key.Ciphertext.Length);
        Assert.DoesNotContain(Convert.ToBase64String(key.Plaintext), key.ToString());
        Assert.Equal(key.Plaintext, await kms.DecryptAsync("my-key", key.Ciphertext, context, CancellationToken.None));

        var wrongContext = KmsContext.Marshal(KmsContext.ForObject("bucket", "other"));
        var e = await Assert.ThrowsAsync<KmsException>(() => kms.DecryptAsync("my-key", key.Ciphertext, wrongContext, CancellationToken.None));
        Assert.Equal(KmsErrorKind.DecryptionFailed, e.Kind);
    }

    /// <summary>Ciphertexts written by MinIO's built-in KMS (internal/kms/secret-key_test.go) for the same secret.</summary>
    [Theory]
    [InlineData("zmS7NrG765UZ0ZN85oPjybelxqVvpz01vxsSpOISy2M=", "{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"JbI+vwvYww1lCb5VpkAFuQ==\",\"nonce\":\"ARjIjJxBSD541Gz8\",\"bytes\":\"KCbEc2sA0TLvA7aWTWa23AdccVfJMpOxwgG8hm+4PaNrxYfy1xFWZg2gEenVrOgv\"}", null)]
    [InlineData("UnPWsZgVI+T4L9WGNzFlP1PsP1Z6hn2Fx8ISeZfDGnA=", "{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"r4+yfiVbVIYR0Z2I9Fq+6g==\",\"nonce\":\"2YpwGwE59GcVraI3\",\"bytes\":\"k/svMglOU7/Kgwv73heG38NWW575XLcFp3SaxQHDMjJGYyRI3Fiygu2OeutGPXNL\"}", "value")]
    public async Task Decrypts_data_keys_sealed_by_minio(string plaintext, string ciphertext, string? contextValue)
    {
        using var kms = StaticKeyKms.Parse(MinioSecret);
        var context = KmsContext.Marshal(contextValue is null ? [] : new Dictionary<string, string> { ["key"] = contextValue });
        var decrypted = await kms.DecryptAsync("my-key", Encoding.UTF8.GetBytes(ciphertext), context, CancellationToken.None);
        Assert.Equal(plaintext, Convert.ToBase64String(decrypted));
    }

    [Fact]
    public async Task Binary_ciphertext_is_the_minio_and_kes_format()
    {
        // MinIO's secretKey.GenerateKey: k = HMAC-SHA256(master, iv), AES-256-GCM, ct||iv||nonce. KES decrypts it with
        // an AES256 key of the same bytes, so KmsSecretKey stands in for both sides here.
        using var kms = StaticKeyKms.Parse(MinioSecret);
        using var kes = new KmsSecretKey(Convert.FromBase64String("eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8="), KmsKeyAlgorithm.Aes256);
        var key = await kms.GenerateKeyAsync("my-key", "{}"u8.ToArray(), CancellationToken.None);
        Assert.Equal(key.Plaintext, kes.Decrypt(key.Ciphertext, "{}"u8));
    }

    [Fact]
    public async Task Unknown_keys_and_create()
    {
        using var kms = StaticKeyKms.Parse(MinioSecret);
        var e = await Assert.ThrowsAsync<KmsException>(() => kms.GenerateKeyAsync("other", "{}"u8.ToArray(), CancellationToken.None));
        Assert.Equal(KmsErrorKind.KeyNotFound, e.Kind);
        e = await Assert.ThrowsAsync<KmsException>(() => kms.DecryptAsync("other", new byte[76], "{}"u8.ToArray(), CancellationToken.None));
        Assert.Equal(KmsErrorKind.KeyNotFound, e.Kind);
        e = await Assert.ThrowsAsync<KmsException>(() => kms.CreateKeyAsync("my-key", CancellationToken.None));
        Assert.Equal(KmsErrorKind.KeyExists, e.Kind);

        await kms.EnsureDefaultKeyAsync(CancellationToken.None);
        var status = await kms.StatusAsync(CancellationToken.None);
        Assert.True(status.IsOnline);
        Assert.Equal("my-key", status.DefaultKeyId);
    }

    [Theory]
    [InlineData("no-colon")]
    [InlineData(":AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("k:not base64!")]
    [InlineData("k:AAAA")]
    public void Parse_rejects_malformed_secrets_without_echoing_them(string secret)
    {
        var e = Assert.Throws<FormatException>(() => StaticKeyKms.Parse(secret));
        Assert.DoesNotContain("not base64!", e.Message);
        Assert.DoesNotContain("AAAA", e.Message);
    }
}
