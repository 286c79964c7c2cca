using System.Text;
using StorageOperator.Crypto.Dare;
using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.Crypto.Tests.Dare;
using Xunit;

namespace StorageOperator.Crypto.Tests.Sse;

public class SseObjectKeysTests
{
    private static SseObjectEncryption ReadMinio(Dictionary<string, string> minio) =>
        SseObjectMetadata.Read(SseMetadataKeys.FromMinio(minio))!;

    private static byte[] Decrypt(ObjectKey key, byte[] body)
    {
        using var stream = new DareDecryptingStream(new MemoryStream(body), key.Bytes);
        return DareTestData.ReadAll(stream);
    }

    [Fact]
    public async Task Reads_a_minio_sse_s3_object()
    {
        using var kms = StaticKeyKms.Parse(MinioObjectFixture.StaticKey);
        var encryption = ReadMinio(MinioObjectFixture.SseS3Metadata);
        Assert.Equal(SseType.SseS3, encryption.Type);

        using var key = await SseObjectKeys.UnsealAsync(encryption, MinioObjectFixture.Bucket, MinioObjectFixture.Object, kms, default, default);
        Assert.Equal(MinioObjectFixture.Plaintext, Decrypt(key, MinioObjectFixture.SseS3Body));

        // the same metadata under another object name must not open
        var moved = await Assert.ThrowsAsync<KmsException>(() => SseObjectKeys.UnsealAsync(encryption, MinioObjectFixture.Bucket, "photos/dog.jpg", kms, default, default));
        Assert.Equal(KmsErrorKind.DecryptionFailed, moved.Kind);
    }

    [Fact]
    public async Task Reads_a_minio_sse_kms_object_with_client_context()
    {
        using var kms = StaticKeyKms.Parse(MinioObjectFixture.StaticKey);
        var encryption = ReadMinio(MinioObjectFixture.SseKmsMetadata);
        Assert.Equal(SseType.SseKms, encryption.Type);
        Assert.Equal("a&b", encryption.ClientContext!["team"]);

        using var key = await SseObjectKeys.UnsealAsync(encryption, MinioObjectFixture.Bucket, MinioObjectFixture.Object, kms, default, default);
        Assert.Equal(MinioObjectFixture.Plaintext, Decrypt(key, MinioObjectFixture.SseKmsBody));
    }

    [Fact]
    public async Task Reads_a_minio_sse_c_object_and_refuses_the_wrong_key()
    {
        var encryption = ReadMinio(MinioObjectFixture.SseCMetadata);
        using var key = await SseObjectKeys.UnsealAsync(encryption, MinioObjectFixture.Bucket, MinioObjectFixture.Object, null, MinioObjectFixture.CustomerKey, default);
        Assert.Equal(MinioObjectFixture.Plaintext, Decrypt(key, MinioObjectFixture.SseCBody));

        var wrong = (byte[])MinioObjectFixture.CustomerKey.Clone();
        wrong[0] ^= 1;
        await Assert.ThrowsAsync<KeyMismatchException>(() => SseObjectKeys.UnsealAsync(encryption, MinioObjectFixture.Bucket, MinioObjectFixture.Object, null, wrong, default));
    }

    [Fact]
    public async Task Reads_minio_multipart_parts_with_part_keys()
    {
        using var kms = StaticKeyKms.Parse(MinioObjectFixture.StaticKey);
        using var key = await SseObjectKeys.UnsealAsync(ReadMinio(MinioObjectFixture.SseS3Metadata), MinioObjectFixture.Bucket, MinioObjectFixture.Object, kms, default, default);
        var plaintext = new List<byte>();
        for (var part = 1; part <= 2; part++)
        {
            using var stream = new DareDecryptingStream(new MemoryStream(MinioObjectFixture.MultipartBodies[part - 1]), key.DerivePartKey((uint)part));
            plaintext.AddRange(DareTestData.ReadAll(stream));
        }

        Assert.Equal(MinioObjectFixture.Plaintext, plaintext.ToArray());

        // and our encryptor writes the identical part streams from the deterministic part nonce
        using var part2 = new DareEncryptingStream(
            new MemoryStream(MinioObjectFixture.Plaintext[60..]), key.DerivePartKey(2), new DareEncryptOptions { Nonce = PartNonce.Compute("upload-1", 2) });
        Assert.Equal(MinioObjectFixture.MultipartBodies[1], DareTestData.ReadAll(part2));
    }

    [Fact]
    public void Writes_byte_identical_minio_sse_s3_metadata_given_the_same_randomness()
    {
        using var secret = new KmsSecretKey(Convert.FromBase64String(MinioObjectFixture.StaticKey["my-key:".Length..]));
        var dataKey = Enumerable.Repeat((byte)0x55, 32).ToArray();
        var context = KmsContext.Marshal(KmsContext.ForObject(MinioObjectFixture.Bucket, MinioObjectFixture.Object));
        var wrapped = secret.Encrypt(dataKey, context, Enumerable.Repeat((byte)0x66, 28).ToArray());

        using var key = ObjectKey.Generate(dataKey, Enumerable.Repeat((byte)0x77, 32).ToArray());
        var sealedKey = key.Seal(dataKey, Convert.FromBase64String(MinioObjectFixture.SealIv), SealDomain.SseS3,
            MinioObjectFixture.Bucket, MinioObjectFixture.Object, Enumerable.Repeat((byte)0x99, 12).ToArray());
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "image/jpeg" };
        SseObjectMetadata.Write(metadata, new SseObjectEncryption(SseType.SseS3, sealedKey, "my-key", wrapped));

        var minio = SseMetadataKeys.ToMinio(metadata);
        Assert.Equal(MinioObjectFixture.SseS3Metadata.OrderBy(p => p.Key), minio.OrderBy(p => p.Key));

        using var body = new DareEncryptingStream(
            new MemoryStream(MinioObjectFixture.Plaintext), key.Bytes, new DareEncryptOptions { Nonce = Enumerable.Repeat((byte)0xaa, 12).ToArray() });
        Assert.Equal(MinioObjectFixture.SseS3Body, DareTestData.ReadAll(body));
    }

    [Theory]
    [InlineData(SseType.SseS3, null)]
    [InlineData(SseType.SseKms, "")]
    [InlineData(SseType.SseKms, "my-key")]
    public async Task Kms_round_trip_and_rewrap(SseType type, string? keyId)
    {
        using var kms = StaticKeyKms.Parse(MinioObjectFixture.StaticKey);
        var context = type == SseType.SseKms ? new Dictionary<string, string> { ["app"] = "x" } : null;
        using var created = await SseObjectKeys.CreateWithKmsAsync(kms, type, keyId, context, "b", "o", multipart: true, default);
        Assert.Equal("my-key", created.Encryption.KmsKeyId);
        Assert.True(created.Encryption.IsMultipart);
        Assert.Equal(type == SseType.SseKms ? "x" : null, created.Encryption.ClientContext?["app"]);

        var metadata = new Dictionary<string, string>();
        SseObjectMetadata.Write(metadata, created.Encryption);
        var stored = SseObjectMetadata.Read(metadata)!;
        using (var opened = await SseObjectKeys.UnsealAsync(stored, "b", "o", kms, default, default))
        {
            Assert.True(opened.Bytes.SequenceEqual(created.ObjectKey.Bytes));
        }

        var rewrapped = await SseObjectKeys.RewrapAsync(stored, kms, null, "b", "o", default);
        Assert.NotEqual(stored.SealedKey.Iv, rewrapped.SealedKey.Iv);
        Assert.NotEqual(stored.KmsCiphertext, rewrapped.KmsCiphertext);
        using (var opened = await SseObjectKeys.UnsealAsync(rewrapped, "b", "o", kms, default, default))
        {
            Assert.True(opened.Bytes.SequenceEqual(created.ObjectKey.Bytes));
        }

        await Assert.ThrowsAsync<KmsException>(() => SseObjectKeys.UnsealAsync(stored, "b", "o", null, default, default));
    }

    [Fact]
    public async Task Bucket_key_objects_share_one_data_key_but_each_has_its_own_object_key_and_read_back_without_the_cache()
    {
        using var kms = StaticKeyKms.Parse(MinioObjectFixture.StaticKey);
        using var bucketKeys = new BucketKeyCache(kms, TimeSpan.FromMinutes(5));
        var clientContext = new Dictionary<string, string> { ["team"] = "a&b" };
        using var one = await SseObjectKeys.CreateWithBucketKeyAsync(bucketKeys, null, clientContext, "b", "one", false, default);
        using var two = await SseObjectKeys.CreateWithBucketKeyAsync(bucketKeys, null, clientContext, "b", "two", false, default);

        Assert.True(one.Encryption.BucketKey);
        Assert.Equal(one.Encryption.KmsCiphertext, two.Encryption.KmsCiphertext);
        Assert.NotEqual(one.Encryption.SealedKey.Key, two.Encryption.SealedKey.Key);
        Assert.False(one.ObjectKey.Bytes.SequenceEqual(two.ObjectKey.Bytes));

        // the data key was generated under the bucket's context: the bucket ARN plus the client's pairs
        var bucketContext = KmsContext.Marshal(KmsContext.ForBucket("b", clientContext));
        Assert.Equal("""{"aws:s3:arn":"arn:aws:s3:::b","team":"a\u0026b"}""", Encoding.UTF8.GetString(bucketContext));
        await kms.DecryptAsync(one.Encryption.KmsKeyId!, one.Encryption.KmsCiphertext!, bucketContext, default);

        // what is stored is enough to read it (no cache involved), and it stays bound to its bucket and object
        var metadata = new Dictionary<string, string>();
        SseObjectMetadata.Write(metadata, one.Encryption);
        var stored = SseObjectMetadata.Read(metadata)!;
        Assert.True(stored.BucketKey);
        using (var opened = await SseObjectKeys.UnsealAsync(stored, "b", "one", kms, default, default))
        {
            Assert.True(opened.Bytes.SequenceEqual(one.ObjectKey.Bytes));
        }

        await Assert.ThrowsAsync<KeyMismatchException>(() => SseObjectKeys.UnsealAsync(stored, "b", "two", kms, default, default));
        var moved = await Assert.ThrowsAsync<KmsException>(() => SseObjectKeys.UnsealAsync(stored, "c", "one", kms, default, default));
        Assert.Equal(KmsErrorKind.DecryptionFailed, moved.Kind);

        // re-wrap keeps it a bucket-key object (a fresh data key under the bucket context)
        var rewrapped = await SseObjectKeys.RewrapAsync(stored, kms, null, "b", "one", default);
        Assert.True(rewrapped.BucketKey);
        Assert.NotEqual(stored.KmsCiphertext, rewrapped.KmsCiphertext);
        using var reopened = await SseObjectKeys.UnsealAsync(rewrapped, "b", "one", kms, default, default);
        Assert.True(reopened.Bytes.SequenceEqual(one.ObjectKey.Bytes));
    }

    [Fact]
    public async Task Unknown_kms_key_is_key_not_found()
    {
        using var kms = StaticKeyKms.Parse(MinioObjectFixture.StaticKey);
        var e = await Assert.ThrowsAsync<KmsException>(() => SseObjectKeys.CreateWithKmsAsync(kms, SseType.SseKms, "nope", null, "b", "o", false, default));
        Assert.Equal(KmsErrorKind.KeyNotFound, e.Kind);
    }

    [Fact]
    public void Sse_c_rotation_keeps_the_object_key_and_iv()
    {
        var oldKey = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");
        var newKey = Encoding.ASCII.GetBytes("fedcba9876543210fedcba9876543210");
        using var created = SseObjectKeys.CreateSseC(oldKey, "b", "o");
        var rotated = SseObjectKeys.RotateSseC(created.Encryption, oldKey, newKey, "b", "o");

        Assert.Equal(created.Encryption.SealedKey.Iv, rotated.SealedKey.Iv);
        using var opened = ObjectKey.Unseal(newKey, rotated.SealedKey, SealDomain.SseC, "b", "o");
        Assert.True(opened.Bytes.SequenceEqual(created.ObjectKey.Bytes));
        Assert.Throws<KeyMismatchException>(() => ObjectKey.Unseal(oldKey, rotated.SealedKey, SealDomain.SseC, "b", "o"));
        Assert.Throws<KeyMismatchException>(() => SseObjectKeys.RotateSseC(created.Encryption, newKey, oldKey, "b", "o"));
    }
}
