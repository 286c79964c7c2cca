using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>Which POSTs are form uploads.</summary>
public sealed class PostObjectRoutingTests
{
    [Theory]
    [InlineData("/b", "", "b.s3.localhost", null, S3Operation.PostObject)]
    [InlineData("/", "", "b.s3.localhost", "s3.localhost", S3Operation.PostObject)]
    [InlineData("/b", "delete", null, null, S3Operation.DeleteObjects)]
    [InlineData("/b", "tagging", null, null, S3Operation.NotImplemented)]
    [InlineData("/b/k", "", null, null, S3Operation.MethodNotAllowed)]
    [InlineData("/", "", null, null, S3Operation.MethodNotAllowed)]
    public void Post_on_a_bucket_without_a_subresource_is_a_form_upload(string path, string query, string? host, string? domain, S3Operation expected)
    {
        var q = query.Length == 0 ? new HashSet<string>() : new HashSet<string> { query };
        var route = S3RequestParser.Parse("POST", path, q, host, domain, hasCopySource: false);
        Assert.Equal(expected, route.Operation);
        if (expected == S3Operation.PostObject)
        {
            Assert.Equal("b", route.Bucket);
        }
    }
}
