using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Sse;
using Xunit;

namespace StorageOperator.Crypto.Tests.Sse;

public class SseObjectMetadataTests
{
    private static readonly SealedKey Sealed = new(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray(), new byte[32], SealedKey.DareV2HmacSha256);

    [Fact]
    public void Sse_kms_entries_round_trip_with_minio_names()
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = "text/plain" };
        var context = new Dictionary<string, string> { ["team"] = "<a&b>" };
        SseObjectMetadata.Write(metadata, new SseObjectEncryption(SseType.SseKms, Sealed, "my-key", [1, 2, 3], context, IsMultipart: true));

        var minio = SseMetadataKeys.ToMinio(metadata);
        Assert.Equal("DAREv2-HMAC-SHA256", minio["X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm"]);
        Assert.Equal(Convert.ToBase64String(Sealed.Key), minio["X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key"]);
        Assert.Equal("my-key", minio["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id"]);
        Assert.Equal("AQID", minio["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key"]);
        Assert.Equal(Convert.ToBase64String("{\"team\":\"\\u003ca\\u0026b\\u003e\"}"u8), minio["X-Minio-Internal-Server-Side-Encryption-Context"]);
        Assert.Equal(string.Empty, minio["X-Minio-Internal-Encrypted-Multipart"]);
        Assert.Equal("text/plain", minio["content-type"]);
        Assert.All(metadata.Keys.Where(k => k != "content-type"), k => Assert.StartsWith("x-internal-", k));

        var read = SseObjectMetadata.Read(SseMetadataKeys.FromMinio(minio))!;
        Assert.Equal(SseType.SseKms, read.Type);
        Assert.Equal(Sealed.Key, read.SealedKey.Key);
        Assert.Equal("my-key", read.KmsKeyId);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.KmsCiphertext);
        Assert.Equal("<a&b>", read.ClientContext!["team"]);
        Assert.True(read.IsMultipart);
    }

    [Fact]
    public void Type_detection_order_and_rewrite()
    {
        var metadata = new Dictionary<string, string>();
        SseObjectMetadata.Write(metadata, new SseObjectEncryption(SseType.SseC, Sealed));
        Assert.Equal(SseType.SseC, SseObjectMetadata.DetectType(metadata));
        Assert.False(metadata.ContainsKey(SseMetadataKeys.KmsKeyId));

        SseObjectMetadata.Write(metadata, new SseObjectEncryption(SseType.SseS3, Sealed, "default", [9]));
        Assert.Equal(SseType.SseS3, SseObjectMetadata.DetectType(metadata));
        Assert.False(metadata.ContainsKey(SseMetadataKeys.SealedKeySseC));
        Assert.Null(SseObjectMetadata.Read(new Dictionary<string, string>()));
    }

    [Fact]
    public void Broken_metadata_is_reported()
    {
        var metadata = new Dictionary<string, string>();
        SseObjectMetadata.Write(metadata, new SseObjectEncryption(SseType.SseS3, Sealed, "default", [9]));
        metadata.Remove(SseMetadataKeys.KmsDataKey);
        Assert.Throws<SseMetadataException>(() => SseObjectMetadata.Read(metadata));

        var shortKey = new Dictionary<string, string>();
        SseObjectMetadata.Write(shortKey, new SseObjectEncryption(SseType.SseC, Sealed));
        shortKey[SseMetadataKeys.SealedKeySseC] = "AAAA";
        Assert.Throws<SseMetadataException>(() => SseObjectMetadata.Read(shortKey));

        Assert.Throws<SseMetadataException>(() => SseObjectMetadata.Read(new Dictionary<string, string> { [SseMetadataKeys.Iv] = "x" }));
    }
}
