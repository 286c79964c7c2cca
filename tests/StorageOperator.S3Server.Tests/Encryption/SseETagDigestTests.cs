using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>
/// SSE-KMS and SSE-C writes skip the plaintext MD5 unless the client sends Content-MD5 (their ETag is random then).
/// These pin what must not change with it: Content-MD5 is still verified, ETags still work for conditionals, and
/// multipart ETags are still built from the part ETags.
/// </summary>
public sealed class SseETagDigestTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    private SseServer Server => fixture.Server;

    private static PutObjectRequest KmsPut(string bucket, string key, byte[] data) => new()
    {
        BucketName = bucket, Key = key, InputStream = new MemoryStream(data),
        ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName,
    };

    [Fact]
    public async Task Sse_kms_put_still_verifies_a_content_md5()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync();
        var data = RandomNumberGenerator.GetBytes(100_000);

        var good = KmsPut(bucket, "good", data);
        good.MD5Digest = Convert.ToBase64String(MD5.HashData(data));
        var put = await s3.PutObjectAsync(good);
        Assert.NotEqual(Convert.ToHexStringLower(MD5.HashData(data)), put.ETag.Trim('"'));

        var bad = KmsPut(bucket, "bad", data);
        bad.MD5Digest = Convert.ToBase64String(MD5.HashData(data[1..]));
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(bad));
        Assert.Equal((HttpStatusCode.BadRequest, "BadDigest"), (error.StatusCode, error.ErrorCode));
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "bad"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Sse_kms_etag_without_content_md5_is_unique_and_matches_conditionals()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync();
        var data = RandomNumberGenerator.GetBytes(50_000);

        var first = await s3.PutObjectAsync(KmsPut(bucket, "k", data));
        var second = await s3.PutObjectAsync(KmsPut(bucket, "k2", data));
        Assert.NotEqual(first.ETag, second.ETag); // random, not derived from the (equal) plaintext

        using var matched = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = first.ETag });
        Assert.Equal(first.ETag, matched.ETag);
        var notMatched = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = second.ETag }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, notMatched.StatusCode);
    }

    [Fact]
    public async Task Sse_kms_multipart_etag_is_built_from_the_part_etags()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync();
        var parts = new[] { RandomNumberGenerator.GetBytes(5 << 20), RandomNumberGenerator.GetBytes(1000) };
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName,
        });
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            });
            Assert.NotEqual(Convert.ToHexStringLower(MD5.HashData(parts[i])), part.ETag.Trim('"'));
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartETags = etags,
        });

        var concatenated = etags.SelectMany(e => Convert.FromHexString(e.ETag.Trim('"'))).ToArray();
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(concatenated))}-2\"", done.ETag);
        byte[] whole = [.. parts[0], .. parts[1]];
        Assert.Equal(whole, await AwsSdkSseTests.GetAsync(s3, bucket, "mp"));
    }
}
