using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>
/// Answers tools probe for: GETs of bucket configurations we never store get AWS's "not configured" 404
/// (s3cmd info, the aws CLI and SDK callers treat that as "none"; 501 NotImplemented reads as a failure),
/// and an in-place copy that names a storage class is a legal rewrite (rclone settier).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class UnsetConfigurationAndInPlaceCopyTests(S3ServerFixture server)
{
    [Theory]
    [InlineData("policy", "NoSuchBucketPolicy")]
    [InlineData("cors", "NoSuchCORSConfiguration")]
    [InlineData("lifecycle", "NoSuchLifecycleConfiguration")]
    [InlineData("tagging", "NoSuchTagSet")]
    [InlineData("object-lock", "ObjectLockConfigurationNotFoundError")]
    [InlineData("website", "NoSuchWebsiteConfiguration")]
    [InlineData("replication", "ReplicationConfigurationNotFoundError")]
    public async Task Get_of_an_unset_bucket_configuration_is_a_not_configured_404(string subresource, string code)
    {
        var bucket = await server.CreateBucketAsync("unset");
        using var raw = server.CreateRawClient();

        using var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}", subresource + "=");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(code, (await RawS3Client.ReadErrorAsync(response)).Code);

        using var missing = await raw.SendAsync(HttpMethod.Get, $"/{bucket}-missing", subresource + "=");
        Assert.Equal("NoSuchBucket", (await RawS3Client.ReadErrorAsync(missing)).Code);
    }

    [Fact]
    public async Task Sdk_reads_the_missing_tag_set_as_its_s3_error()
    {
        var bucket = await server.CreateBucketAsync("unset-sdk");
        using var s3 = server.CreateS3Client();
        var tags = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal("NoSuchTagSet", tags.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, tags.StatusCode);
    }

    [Fact]
    public async Task In_place_copy_with_a_storage_class_rewrites_and_keeps_metadata()
    {
        var bucket = await server.CreateBucketAsync("settier");
        using var s3 = server.CreateS3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "tiered", Metadata = { ["note"] = "kept" } });

        var plain = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "k",
        }));
        Assert.Equal("InvalidRequest", plain.ErrorCode);

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "k", StorageClass = S3StorageClass.Standard,
        });
        using var get = await s3.GetObjectAsync(bucket, "k");
        Assert.Equal("kept", get.Metadata["note"]);
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal("tiered", await reader.ReadToEndAsync());
    }
}
