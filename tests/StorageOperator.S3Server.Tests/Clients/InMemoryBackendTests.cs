using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Clients;

/// <summary>The same S3 layer over another <see cref="StorageOperator.Storage.IStorageBackend"/>: the seam is all it needs.</summary>
public sealed class InMemoryBackendTests
{
    [Fact]
    public async Task S3_api_over_the_in_memory_backend()
    {
        using var root = new TempDirectory("mem");
        await using var app = S3ServerHost.Build(
            new S3ServerOptions(root.Sub("unused"), new IPEndPoint(IPAddress.Loopback, 0), root.Sub("certs"), new Credentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey)),
            new InMemoryBackend(),
            l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var endpoint = S3ServerFixture.ServerUri(app);
        using var s3 = new AmazonS3Client(
            new Amazon.Runtime.BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey),
            new AmazonS3Config { ServiceURL = endpoint.ToString().TrimEnd('/'), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        await s3.PutBucketAsync("mem");
        var data = RandomNumberGenerator.GetBytes(300_000);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "mem", Key = "a/b", InputStream = new MemoryStream(data) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "mem", Key = "c", ContentBody = "c" });
        using (var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "mem", Key = "a/b", ByteRange = new ByteRange(10, 19) }))
        {
            using var ms = new MemoryStream();
            await get.ResponseStream.CopyToAsync(ms);
            Assert.Equal(data.AsSpan(10, 10).ToArray(), ms.ToArray());
        }

        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "mem", Delimiter = "/" });
        Assert.Equal(["a/"], list.CommonPrefixes);
        Assert.Equal(["c"], list.S3Objects.Select(o => o.Key));

        var upload = await s3.InitiateMultipartUploadAsync("mem", "mp");
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = "mem", Key = "mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[5 * 1024 * 1024]) });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = "mem", Key = "mp", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[10]) });
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "mem", Key = "mp", UploadId = upload.UploadId, PartETags = [new(p1), new(p2)] });
        Assert.EndsWith("-2\"", done.ETag);
        Assert.Equal((5 * 1024 * 1024) + 10, (await s3.GetObjectMetadataAsync("mem", "mp")).ContentLength);

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("mem", "nope"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        await app.StopAsync();
    }
}
