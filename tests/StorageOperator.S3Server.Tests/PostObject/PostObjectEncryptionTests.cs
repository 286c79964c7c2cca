using System.Net;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3Server.Tests.Encryption;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>SSE requested by form fields goes through the normal encrypted write path.</summary>
public sealed class PostObjectEncryptionTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    private static readonly byte[] Content = "secret form upload"u8.ToArray();

    private SseServer Server => fixture.Server;

    private async Task<HttpResponseMessage> PostAsync(string bucket, HttpContent form)
    {
        using var http = Server.Certificates.CreateHttpClient();
        return await http.PostAsync(new Uri(Server.Endpoint, "/" + bucket), form);
    }

    [Fact]
    public async Task Sse_s3_field_encrypts_the_object()
    {
        var bucket = await Server.CreateBucketAsync("post-sse");
        var form = new PostFormBuilder(bucket, DateTimeOffset.UtcNow).Field("x-amz-server-side-encryption", "AES256");
        using var response = await PostAsync(bucket, form.Build("s3.txt", Content));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("AES256", response.Headers.GetValues("x-amz-server-side-encryption").Single());

        using var s3 = Server.CreateS3Client();
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await s3.GetObjectMetadataAsync(bucket, "s3.txt")).ServerSideEncryptionMethod);
        Assert.Equal(Content, await AwsSdkSseTests.GetAsync(s3, bucket, "s3.txt"));
        // the data directory's .lock is held open exclusively by the server and holds no object data
        Assert.DoesNotContain(Directory.EnumerateFiles(Server.DataDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".lock"),
            f => File.ReadAllBytes(f).AsSpan().IndexOf(Content) >= 0);
    }

    [Fact]
    public async Task Sse_kms_with_the_bucket_key_field_shares_the_bucket_data_key()
    {
        var bucket = await Server.CreateBucketAsync("post-bk");
        foreach (var name in new[] { "a.txt", "b.txt" })
        {
            var form = new PostFormBuilder(bucket, DateTimeOffset.UtcNow)
                .Field("x-amz-server-side-encryption", "aws:kms")
                .Field("x-amz-server-side-encryption-aws-kms-key-id", SseServer.KeyName)
                .Field("x-amz-server-side-encryption-bucket-key-enabled", "true");
            using var response = await PostAsync(bucket, form.Build(name, Content));
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("true", response.Headers.GetValues("x-amz-server-side-encryption-bucket-key-enabled").Single());
        }

        using var s3 = Server.CreateS3Client();
        Assert.True((await s3.GetObjectMetadataAsync(bucket, "a.txt")).BucketKeyEnabled);
        Assert.Equal(Content, await AwsSdkSseTests.GetAsync(s3, bucket, "b.txt"));
        var backend = Server.App.Services.GetRequiredService<IStorageBackend>();
        var stored = new List<SseObjectEncryption>();
        foreach (var name in new[] { "a.txt", "b.txt" })
        {
            stored.Add(SseObjectMetadata.Read((await backend.GetObjectInfoAsync(bucket, name, default))!.Metadata.Headers)!);
        }

        Assert.Equal(stored[0].KmsCiphertext, stored[1].KmsCiphertext);
        Assert.NotEqual(stored[0].SealedKey.Key, stored[1].SealedKey.Key);
    }

    [Fact]
    public async Task Sse_c_fields_encrypt_with_the_customer_key()
    {
        var bucket = await Server.CreateBucketAsync("post-ssec");
        var key = AwsSdkSseTests.Key2;
        var form = new PostFormBuilder(bucket, DateTimeOffset.UtcNow)
            .Field("x-amz-server-side-encryption-customer-algorithm", "AES256")
            .Field("x-amz-server-side-encryption-customer-key", key)
            .Field("x-amz-server-side-encryption-customer-key-MD5", AwsSdkSseTests.Md5Of(key));
        using var response = await PostAsync(bucket, form.Build("c.txt", Content));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        using var s3 = Server.CreateS3Client();
        Assert.Equal(Content, await AwsSdkSseTests.GetAsync(s3, bucket, "c.txt", key));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => AwsSdkSseTests.GetAsync(s3, bucket, "c.txt"));
    }
}
