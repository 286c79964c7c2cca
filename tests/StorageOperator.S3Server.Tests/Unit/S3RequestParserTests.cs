using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>Table test of operation classification, built from the AWS API reference URIs.</summary>
public sealed class S3RequestParserTests
{
    [Theory]
    [InlineData("GET", "/", "", S3Operation.ListBuckets, null, null)]
    [InlineData("PUT", "/b", "", S3Operation.CreateBucket, "b", null)]
    [InlineData("HEAD", "/b", "", S3Operation.HeadBucket, "b", null)]
    [InlineData("DELETE", "/b/", "", S3Operation.DeleteBucket, "b", null)]
    [InlineData("GET", "/b", "location", S3Operation.GetBucketLocation, "b", null)]
    [InlineData("GET", "/b", "versioning", S3Operation.GetBucketVersioning, "b", null)]
    [InlineData("GET", "/b", "acl", S3Operation.GetBucketAcl, "b", null)]
    [InlineData("GET", "/b", "", S3Operation.ListObjects, "b", null)]
    [InlineData("GET", "/b", "prefix,marker,max-keys", S3Operation.ListObjects, "b", null)]
    [InlineData("GET", "/b", "list-type,continuation-token", S3Operation.ListObjectsV2, "b", null)]
    [InlineData("GET", "/b", "uploads", S3Operation.ListMultipartUploads, "b", null)]
    [InlineData("POST", "/b", "delete", S3Operation.DeleteObjects, "b", null)]
    [InlineData("PUT", "/b/k", "", S3Operation.PutObject, "b", "k")]
    [InlineData("GET", "/b/k", "", S3Operation.GetObject, "b", "k")]
    [InlineData("GET", "/b/k", "partNumber,response-content-type", S3Operation.GetObject, "b", "k")]
    [InlineData("HEAD", "/b/k", "", S3Operation.HeadObject, "b", "k")]
    [InlineData("DELETE", "/b/k", "", S3Operation.DeleteObject, "b", "k")]
    [InlineData("GET", "/b/k", "acl", S3Operation.GetObjectAcl, "b", "k")]
    [InlineData("PUT", "/b/k", "acl", S3Operation.PutAcl, "b", "k")]
    [InlineData("PUT", "/b", "acl", S3Operation.PutAcl, "b", null)]
    [InlineData("POST", "/b/k", "uploads", S3Operation.CreateMultipartUpload, "b", "k")]
    [InlineData("PUT", "/b/k", "partNumber,uploadId", S3Operation.UploadPart, "b", "k")]
    [InlineData("POST", "/b/k", "uploadId", S3Operation.CompleteMultipartUpload, "b", "k")]
    [InlineData("DELETE", "/b/k", "uploadId", S3Operation.AbortMultipartUpload, "b", "k")]
    [InlineData("GET", "/b/k", "uploadId,max-parts", S3Operation.ListParts, "b", "k")]
    [InlineData("GET", "/b", "tagging", S3Operation.GetUnsetBucketConfiguration, "b", null)]
    [InlineData("GET", "/b", "policy", S3Operation.GetUnsetBucketConfiguration, "b", null)]
    [InlineData("GET", "/b", "logging", S3Operation.NotImplemented, "b", null)]
    [InlineData("PUT", "/b", "versioning", S3Operation.NotImplemented, "b", null)]
    [InlineData("PUT", "/b", "policy", S3Operation.NotImplemented, "b", null)]
    [InlineData("GET", "/b", "versions,prefix", S3Operation.ListObjectVersions, "b", null)]
    [InlineData("GET", "/b/k", "tagging", S3Operation.GetObjectTagging, "b", "k")]
    [InlineData("PUT", "/b/k", "tagging", S3Operation.NotImplemented, "b", "k")]
    [InlineData("POST", "/b/k", "select,select-type", S3Operation.NotImplemented, "b", "k")]
    [InlineData("PATCH", "/b/k", "", S3Operation.MethodNotAllowed, "b", "k")]
    [InlineData("POST", "/", "", S3Operation.MethodNotAllowed, null, null)]
    [InlineData("GET", "/b/a%20b/c%2Fd", "", S3Operation.GetObject, "b", "a b/c/d")]
    [InlineData("GET", "/b/..%2F..%2Fx", "", S3Operation.GetObject, "b", "../../x")]
    [InlineData("GET", "/b/dir/", "", S3Operation.GetObject, "b", "dir/")]
    [InlineData("GET", "/b//double", "", S3Operation.GetObject, "b", "/double")]
    [InlineData("GET", "/b/%E2%82%AC+%", "", S3Operation.GetObject, "b", "€+%")]
    public void Path_style_requests(string method, string path, string query, S3Operation op, string? bucket, string? key)
    {
        var q = query.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var route = S3RequestParser.Parse(method, path, q, "127.0.0.1", null, hasCopySource: false);
        Assert.Equal(new S3Route(op, bucket, key), route with { Detail = null });
    }

    [Theory]
    [InlineData("PUT", "/b/k", "", S3Operation.CopyObject)]
    [InlineData("PUT", "/b/k", "partNumber,uploadId", S3Operation.UploadPartCopy)]
    public void Copy_source_header_selects_copy_operations(string method, string path, string query, S3Operation op)
    {
        var q = query.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Equal(op, S3RequestParser.Parse(method, path, q, null, null, hasCopySource: true).Operation);
    }

    [Theory]
    [InlineData("mybucket.s3.example.com", "/key/x", S3Operation.GetObject, "mybucket", "key/x")]
    [InlineData("mybucket.s3.example.com", "/", S3Operation.ListObjects, "mybucket", null)]
    [InlineData("s3.example.com", "/b/k", S3Operation.GetObject, "b", "k")]
    [InlineData("127.0.0.1", "/b/k", S3Operation.GetObject, "b", "k")]
    public void Virtual_host_style_when_a_domain_is_configured(string host, string path, S3Operation op, string bucket, string? key)
    {
        var route = S3RequestParser.Parse("GET", path, new HashSet<string>(), host, "s3.example.com", false);
        Assert.Equal(new S3Route(op, bucket, key), route);
    }

    [Fact]
    public void Invalid_utf8_in_a_key_is_rejected_rather_than_replaced()
    {
        var e = Assert.Throws<StorageOperator.S3.Protocol.Errors.S3Exception>(() =>
            S3RequestParser.Parse("GET", "/b/%FF%FE", new HashSet<string>(), null, null, false));
        Assert.Equal(StorageOperator.S3.Protocol.Errors.S3ErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Not_implemented_names_the_subresource()
    {
        var route = S3RequestParser.Parse("GET", "/b", new HashSet<string> { "logging" }, null, null, false);
        Assert.Equal("logging", route.Detail);
    }
}
