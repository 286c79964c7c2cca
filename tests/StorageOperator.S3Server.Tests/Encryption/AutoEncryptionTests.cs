using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>A server with STORAGE_KMS_AUTO_ENCRYPTION=on: nothing plaintext at rest, tampering detected.</summary>
public sealed class AutoEncryptionTests(AutoEncryptionFixture fixture) : IClassFixture<AutoEncryptionFixture>
{
    private SseServer Server => fixture.Server;

    [Fact]
    public async Task Objects_without_sse_headers_are_sse_kms_under_the_default_key()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("auto");
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "hello auto" });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        var head = await s3.GetObjectMetadataAsync(bucket, "a");
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        Assert.Equal("arn:aws:kms:" + SseServer.KeyName, head.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(10, head.ContentLength);
        Assert.Equal("hello auto"u8.ToArray(), await AwsSdkSseTests.GetAsync(s3, bucket, "a"));

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "empty", ContentBody = "" });
        Assert.Empty(await AwsSdkSseTests.GetAsync(s3, bucket, "empty"));
        Assert.Equal(0, (await s3.GetObjectMetadataAsync(bucket, "empty")).ContentLength);
    }

    [Fact]
    public async Task No_object_body_bytes_and_no_key_material_anywhere_in_the_data_folder()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("scan");
        var bodies = new List<byte[]>();
        byte[] Body(int size)
        {
            var b = RandomNumberGenerator.GetBytes(size);
            bodies.Add(b);
            return b;
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "single", InputStream = new MemoryStream(Body(300_000)) });
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("plaintext-marker-1234567890 ", 5000)));
        bodies.Add(text);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "text", InputStream = new MemoryStream(text) });
        var ssec = new PutObjectRequest { BucketName = bucket, Key = "ssec", InputStream = new MemoryStream(Body(70_000)) };
        AwsSdkSseTests.SseC(ssec, AwsSdkSseTests.Key2);
        await s3.PutObjectAsync(ssec);

        // a completed multipart object and an upload still in progress (its parts sit in uploads/)
        var init = await s3.InitiateMultipartUploadAsync(bucket, "mp");
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(Body(5 * 1024 * 1024)) });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(Body(1000)) });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartETags = [new(1, p1.ETag), new(2, p2.ETag)] });
        var pending = await s3.InitiateMultipartUploadAsync(bucket, "pending");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "pending", UploadId = pending.UploadId, PartNumber = 1, InputStream = new MemoryStream(Body(100_000)) });
        await s3.CopyObjectAsync(bucket, "single", bucket, "copied");

        var needles = new List<(string What, byte[] Bytes)>
        {
            ("static KMS key", Server.MasterKey!),
            ("SSE-C key", Convert.FromBase64String(AwsSdkSseTests.Key2)),
            ("SSE-C key (base64)", Encoding.ASCII.GetBytes(AwsSdkSseTests.Key2)),
            ("text marker", "plaintext-marker-1234567890"u8.ToArray()),
        };
        foreach (var body in bodies)
        {
            needles.Add(("body start", body.AsSpan(0, 24).ToArray()));
            needles.Add(("body middle", body.AsSpan(body.Length / 2, 24).ToArray()));
            needles.Add(("body end", body.AsSpan(body.Length - 24, 24).ToArray()));
        }

        var files = Directory.EnumerateFiles(Server.DataDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".lock").ToList();
        Assert.True(files.Count >= 6, string.Join("\n", files));
        foreach (var file in files)
        {
            var content = await File.ReadAllBytesAsync(file);
            foreach (var (what, needle) in needles)
            {
                Assert.False(content.AsSpan().IndexOf(needle) >= 0, $"{what} found in {file}");
            }
        }
    }

    [Fact]
    public async Task A_flipped_byte_on_disk_makes_the_get_fail_never_returning_wrong_bytes()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("tamper");
        var data = RandomNumberGenerator.GetBytes(200_000);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "t", InputStream = new MemoryStream(data) });
        var file = Path.Combine(Server.DataDirectory, "buckets", "b" + bucket, "objects", "ot");
        var bytes = await File.ReadAllBytesAsync(file);
        foreach (var offset in new[] { 20, 65568 + 1000 })
        {
            var copy = (byte[])bytes.Clone();
            copy[offset] ^= 0x40;
            await File.WriteAllBytesAsync(file, copy);
            var failure = await Record.ExceptionAsync(() => AwsSdkSseTests.GetAsync(s3, bucket, "t"));
            Assert.NotNull(failure);
        }

        await File.WriteAllBytesAsync(file, bytes);
        Assert.Equal(data, await AwsSdkSseTests.GetAsync(s3, bucket, "t"));

        // a tampered first package is reported before any body byte: a clean S3 error
        bytes[30] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => AwsSdkSseTests.GetAsync(s3, bucket, "t"));
        Assert.Equal("XMinioObjectTampered", e.ErrorCode);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Fact]
    public async Task Copying_a_tampered_object_fails_and_publishes_nothing()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("tcopy");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(300_000)) });
        var file = Path.Combine(Server.DataDirectory, "buckets", "b" + bucket, "objects", "os");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[(3 * 65568) + 50] ^= 0x01; // the fourth package
        await File.WriteAllBytesAsync(file, bytes);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(bucket, "s", bucket, "d"));
        Assert.Equal("XMinioObjectTampered", e.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "d"))).StatusCode);
    }
}
