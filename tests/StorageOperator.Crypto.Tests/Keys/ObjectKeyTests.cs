using System.Security.Cryptography;
using System.Text;
using StorageOperator.Crypto.Dare;
using StorageOperator.Crypto.Keys;
using Xunit;

namespace StorageOperator.Crypto.Tests.Keys;

/// <summary>
/// Known answers below were computed independently (Python hmac/hashlib/cryptography, following MinIO's
/// internal/crypto/key.go); the part-key vectors are MinIO's own (key_test.go TestDerivePartKey).
/// </summary>
public class ObjectKeyTests
{
    private static readonly byte[] ExternalKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] GenerationNonce = Enumerable.Repeat((byte)0x11, 32).ToArray();
    private static readonly byte[] Iv = Enumerable.Repeat((byte)0x22, 32).ToArray();
    private static readonly byte[] SealNonce = Enumerable.Repeat((byte)0x33, 12).ToArray();

    [Fact]
    public void Generation_is_hmac_of_context_and_nonce()
    {
        using var key = ObjectKey.Generate(ExternalKey, GenerationNonce);
        Assert.Equal("67d8d1f2d04109bdb1fa19f5112f2d2cdf81578962b0dbc09b7c51a131b0e34f", Convert.ToHexStringLower(key.Bytes));

        using var random1 = ObjectKey.Generate(ExternalKey);
        using var random2 = ObjectKey.Generate(ExternalKey);
        Assert.False(random1.Bytes.SequenceEqual(random2.Bytes));
    }

    [Fact]
    public void Sealing_key_and_sealed_key_known_answer()
    {
        var kek = new byte[32];
        ObjectKey.DeriveSealingKey(ExternalKey, Iv, SealDomain.SseS3, "bucket", "dir//obj", kek);
        Assert.Equal("4b13dcd52a1f4275281eacb789e065bc32c974f7a51ea556a93ad631aadbf911", Convert.ToHexStringLower(kek));

        using var key = ObjectKey.Generate(ExternalKey, GenerationNonce);
        var sealedKey = key.Seal(ExternalKey, Iv, SealDomain.SseS3, "bucket", "dir/obj", SealNonce);

        Assert.Equal(64, sealedKey.Key.Length);
        Assert.Equal(SealedKey.DareV2HmacSha256, sealedKey.Algorithm);
        Assert.Equal(Iv, sealedKey.Iv);
        Assert.Equal(
            "20001f00b333333333333333333333331126a74c1bc86c63e59a8387b4c311df2182a79f7e7d5a2a3362fe3a6b9a176d58a2f6025dd55b9fc1ba91ed27131516",
            Convert.ToHexStringLower(sealedKey.Key));
    }

    [Theory]
    [InlineData(0u, "aa7855e13839dd767cd5da7c1ff5036540c9264b7a803029315e55375287b4af")]
    [InlineData(1u, "a3e7181c6eed030fd52f79537c56c4d07da92e56d374ff1dd2043350785b37d8")]
    [InlineData(10000u, "f86e65c396ed52d204ee44bd1a0bbd86eb8b01b7354e67a3b3ae0e34dd5bd115")]
    public void Part_keys_match_minio_vectors(uint part, string expected)
    {
        using var zero = new ObjectKey(new byte[32]);
        Assert.Equal(expected, Convert.ToHexStringLower(zero.DerivePartKey(part)));
    }

    [Fact]
    public void Part_key_and_part_nonce_known_answers()
    {
        using var key = ObjectKey.Generate(ExternalKey, GenerationNonce);
        Assert.Equal("29596244f4c60caf088838403c244a9dabeff38d263d9e020fc385da53a1a950", Convert.ToHexStringLower(key.DerivePartKey(3)));
        Assert.Equal("1b9c1e3af9c3f3dc1ad0883d", Convert.ToHexStringLower(PartNonce.Compute("upload-id-1", 7)));
    }

    [Fact]
    public void ETag_sealing_known_answer_and_round_trip()
    {
        using var key = ObjectKey.Generate(ExternalKey, GenerationNonce);
        var md5 = MD5.HashData(Encoding.ASCII.GetBytes("hello"));
        var sealedETag = key.SealETag(md5, Enumerable.Repeat((byte)0x44, 12).ToArray());

        Assert.Equal(
            "20000f00c44444444444444444444444dde3775f0eda26870f836f9b6c198da53042b2267390f186749fd12b8bb285d0",
            Convert.ToHexStringLower(sealedETag));
        Assert.Equal(md5, key.UnsealETag(sealedETag));
        Assert.Equal(md5, key.UnsealETag(md5));
        Assert.Empty(key.SealETag([]));
        Assert.Equal(48, key.SealETag(md5).Length);

        using var other = ObjectKey.Generate(ExternalKey);
        Assert.Throws<KeyMismatchException>(() => other.UnsealETag(sealedETag));
    }

    [Fact]
    public void Round_trip_and_mismatch_matrix()
    {
        using var key = ObjectKey.Generate(ExternalKey);
        var iv = ObjectKey.GenerateIv();
        var sealedKey = key.Seal(ExternalKey, iv, SealDomain.SseC, "bucket", "object");

        using (var opened = ObjectKey.Unseal(ExternalKey, sealedKey, SealDomain.SseC, "bucket", "object"))
        {
            Assert.True(opened.Bytes.SequenceEqual(key.Bytes));
        }

        // path.Join canonicalisation: the same path written differently opens too
        using (var opened = ObjectKey.Unseal(ExternalKey, sealedKey, SealDomain.SseC, "bucket", "./object"))
        {
            Assert.True(opened.Bytes.SequenceEqual(key.Bytes));
        }

        var otherKey = (byte[])ExternalKey.Clone();
        otherKey[0] ^= 1;
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(otherKey, sealedKey, SealDomain.SseC, "bucket", "object"));
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(ExternalKey, sealedKey, SealDomain.SseS3, "bucket", "object"));
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(ExternalKey, sealedKey, SealDomain.SseC, "Bucket", "object"));
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(ExternalKey, sealedKey, SealDomain.SseC, "bucket", "Object"));
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(ExternalKey, sealedKey with { Algorithm = SealedKey.LegacyDareSha256 }, SealDomain.SseC, "bucket", "object"));

        for (var i = 0; i < 64; i++)
        {
            var tampered = (byte[])sealedKey.Key.Clone();
            tampered[i] ^= 0x04;
            Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(ExternalKey, sealedKey with { Key = tampered }, SealDomain.SseC, "bucket", "object"));
        }

        var tamperedIv = (byte[])iv.Clone();
        tamperedIv[31] ^= 1;
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(ExternalKey, sealedKey with { Iv = tamperedIv }, SealDomain.SseC, "bucket", "object"));
    }

    [Fact]
    public void Sealed_key_is_a_single_final_dare_package()
    {
        using var key = ObjectKey.Generate(ExternalKey);
        var sealedKey = key.Seal(ExternalKey, ObjectKey.GenerateIv(), SealDomain.SseKms, "b", "o");
        var kek = new byte[32];
        ObjectKey.DeriveSealingKey(ExternalKey, sealedKey.Iv, SealDomain.SseKms, "b", "o", kek);

        Assert.Equal(0x20, sealedKey.Key[0]);
        Assert.Equal(0x80, sealedKey.Key[4] & 0x80);
        Assert.Equal(key.Bytes.ToArray(), DareBuffer.Decrypt(kek, sealedKey.Key));
    }

    [Theory]
    [InlineData(new[] { "bucket", "object" }, "bucket/object")]
    [InlineData(new[] { "bucket", "a//b/./c/" }, "bucket/a/b/c")]
    [InlineData(new[] { "bucket", "a/../b" }, "bucket/b")]
    [InlineData(new[] { "bucket", "../x" }, "x")]
    [InlineData(new[] { "bucket", "" }, "bucket")]
    [InlineData(new[] { "", "" }, "")]
    [InlineData(new[] { "/bucket", "/../../o" }, "/o")]
    [InlineData(new[] { "b", "..", ".." }, "..")]
    public void GoPath_join_matches_go(string[] elements, string expected) => Assert.Equal(expected, GoPath.Join(elements));
}
