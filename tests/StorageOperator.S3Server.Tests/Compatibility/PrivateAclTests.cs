using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>
/// Tools that set the private ACL explicitly (s3cmd setacl --acl-private, Terraform, SDK callers) used to get
/// 501 NotImplemented; private is the only ACL there is, so it succeeds, and anything wider still refuses.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PrivateAclTests(S3ServerFixture server)
{
    [Fact]
    public async Task Private_acl_is_accepted_on_buckets_and_objects()
    {
        var bucket = await server.CreateBucketAsync("acl");
        using var s3 = server.CreateS3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "acl" });

        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.Private });

        // the owner-only policy GetObjectAcl returns, sent back as a body
        using var raw = server.CreateRawClient();
        using var current = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/k", "acl=");
        var policy = await current.Content.ReadAsByteArrayAsync();
        Assert.Contains("FULL_CONTROL", System.Text.Encoding.UTF8.GetString(policy), StringComparison.Ordinal);
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", "acl=", body: policy);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wider_acls_are_not_implemented_and_missing_objects_are_404()
    {
        var bucket = await server.CreateBucketAsync("acl-wide");
        using var s3 = server.CreateS3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "acl" });

        var publicRead = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.PublicRead }));
        Assert.Equal("NotImplemented", publicRead.ErrorCode);

        using var raw = server.CreateRawClient();
        using var grant = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", "acl=", headers: [new("x-amz-grant-read", "id=someone-else")]);
        Assert.Equal(501, (int)grant.StatusCode);

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "missing", ACL = S3CannedACL.Private }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
    }
}
