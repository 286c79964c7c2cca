using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Minio.DataModel.Args;
using Minio.DataModel.Encryption;
using StorageOperator.S3Server.Tests.Encryption;

namespace StorageOperator.S3Server.Tests.Clients;

/// <summary>
/// Ranged reads through the SDKs, plain and encrypted. The Minio .NET SDK 7.0.0's GetObject with an offset first
/// sends HEAD with the same Range header and fails on any status but 200 (minio-dotnet#1342), so HEAD + Range
/// answers 200 with the whole object's headers (a server may ignore Range); GET + Range stays 206.
/// </summary>
public sealed class RangedReadTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    private const int Size = 200_000;

    [Fact]
    public async Task Minio_sdk_ranged_get_of_plain_and_encrypted_objects()
    {
        var server = fixture.Server;
        var minio = server.CreateMinioClient();
        var bucket = await server.CreateBucketAsync("minio-range");
        var data = RandomNumberGenerator.GetBytes(Size);
        var ssec = new SSEC(Convert.FromBase64String(SseRequestParserTests.SeedKey));
        var objects = new (string Name, IServerSideEncryption? Put, IServerSideEncryption? Read)[]
        {
            ("plain", null, null),
            ("sse-c", ssec, ssec),
            ("sse-s3", new Minio.DataModel.Encryption.SSES3(), null),
            ("sse-kms", new Minio.DataModel.Encryption.SSEKMS(SseServer.KeyName, new Dictionary<string, string>()), null),
        };
        foreach (var (name, put, _) in objects)
        {
            var args = new PutObjectArgs().WithBucket(bucket).WithObject(name).WithStreamData(new MemoryStream(data)).WithObjectSize(data.Length);
            await minio.PutObjectAsync(put is null ? args : args.WithServerSideEncryption(put));
        }

        // within one DARE package, across package boundaries (64 KiB), and the tail
        foreach (var (offset, length) in new (long, long)[] { (10, 100), (65_000, 70_000), (Size - 5, 5) })
        {
            foreach (var (name, _, read) in objects)
            {
                using var ms = new MemoryStream();
                var args = new GetObjectArgs().WithBucket(bucket).WithObject(name).WithOffsetAndLength(offset, length)
                    .WithCallbackStream(s => s.CopyTo(ms));
                var stat = await minio.GetObjectAsync(read is null ? args : args.WithServerSideEncryption(read));
                Assert.True(data.AsSpan((int)offset, (int)length).SequenceEqual(ms.ToArray()), $"{name} {offset}+{length}");
                Assert.Equal(Size, stat.Size);
            }
        }
    }

    [Fact]
    public async Task Aws_sdk_head_object_with_a_range_answers_200_for_the_whole_object_and_416_when_unsatisfiable()
    {
        var server = fixture.Server;
        using var s3 = server.CreateS3Client();
        var bucket = await server.CreateBucketAsync("head-range");
        var data = RandomNumberGenerator.GetBytes(1000);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });

        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k", Range = "bytes=100-199" });
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Null(head.ContentRange);
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);

        var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(100, 199) });
        Assert.Equal(HttpStatusCode.PartialContent, get.HttpStatusCode);
        Assert.Equal(100, get.ContentLength);
        Assert.Equal("bytes 100-199/1000", get.ContentRange);
        using var body = new MemoryStream();
        await get.ResponseStream.CopyToAsync(body);
        Assert.Equal(data.AsSpan(100, 100).ToArray(), body.ToArray());

        var unsatisfiable = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k", Range = "bytes=1000-" }));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }
}
