using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Contract;

/// <summary>What the gateway does with a backend it did not fill itself.</summary>
[Collection(RgwCollection.Name)]
public sealed class RgwForeignDataTests(RgwFixture rgw)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Objects_written_directly_to_the_backend_bucket_read_with_their_own_etag_and_headers()
    {
        var endpoint = rgw.Require();
        var prefix = "foreign" + Guid.NewGuid().ToString("N")[..8] + "-";
        using var raw = new AmazonS3Client(new BasicAWSCredentials(RgwFixture.AccessKey, RgwFixture.SecretKey), new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await raw.PutBucketAsync(new PutBucketRequest { BucketName = prefix + "legacy" });
        var put = new PutObjectRequest { BucketName = prefix + "legacy", Key = "old/report.csv", ContentBody = "a,b\n1,2\n", ContentType = "text/csv" };
        put.Metadata.Add("owner", "finance");
        await raw.PutObjectAsync(put);

        using var gateway = new S3GatewayBackend(new S3GatewayOptions
        {
            Endpoint = endpoint,
            AccessKey = RgwFixture.AccessKey,
            SecretKey = RgwFixture.SecretKey,
            Mapping = BucketMapping.BucketPerBucket,
            Prefix = prefix,
        });
        Assert.Equal(["legacy"], (await gateway.ListBucketsAsync(None)).Select(b => b.Name));
        var (info, content) = await TestData.GetAsync(gateway, "legacy", "old/report.csv");
        Assert.Equal("a,b\n1,2\n", System.Text.Encoding.UTF8.GetString(content));
        Assert.Equal(TestData.Md5Hex(content), info.Metadata.ETag);
        Assert.Equal("text/csv", info.Metadata.Headers["Content-Type"]);
        Assert.Equal("finance", info.Metadata.Headers["x-amz-meta-owner"]);
        Assert.Equal("old/report.csv", Assert.Single((await gateway.ListObjectsAsync("legacy", new ListRequest("", null, null, 10), None)).Objects).Key);
    }

    [SkippableFact]
    public async Task Probe_reports_a_missing_backend_bucket_and_refused_credentials()
    {
        var endpoint = rgw.Require();
        using var missing = new S3GatewayBackend(new S3GatewayOptions
        {
            Endpoint = endpoint,
            AccessKey = RgwFixture.AccessKey,
            SecretKey = RgwFixture.SecretKey,
            Mapping = BucketMapping.PrefixInOneBucket,
            Bucket = "never-created-" + Guid.NewGuid().ToString("N")[..8],
        });
        Assert.Contains("does not exist", await missing.ProbeAsync(None));

        using var refused = new S3GatewayBackend(new S3GatewayOptions
        {
            Endpoint = endpoint,
            AccessKey = RgwFixture.AccessKey,
            SecretKey = "not-the-secret",
            MaxRetries = 0,
        });
        Assert.Contains("403", await refused.ProbeAsync(None));
        var error = await Assert.ThrowsAsync<StorageException>(() => refused.ListBucketsAsync(None));
        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
    }
}
