using Microsoft.Extensions.Primitives;
using StorageOperator.S3.Protocol.Auth;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

public sealed class SigV4CanonicalTests
{
    [Theory]
    [InlineData("/test$file.text", "/test%24file.text")]
    [InlineData("/test%24file.text", "/test%24file.text")]
    [InlineData("/b/a%20b+c", "/b/a%20b%2Bc")]
    [InlineData("/b/%E2%82%AC", "/b/%E2%82%AC")]
    [InlineData("/b/\u20ac", "/b/%E2%82%AC")]
    [InlineData("/b/a%2fb", "/b/a%2Fb")]
    [InlineData("/b/a%7eb_c-d.e", "/b/a~b_c-d.e")]
    [InlineData("/b//double", "/b//double")]
    [InlineData("/b/100%", "/b/100%25")]
    [InlineData("", "/")]
    public void Canonical_uri_decodes_once_and_encodes_per_AWS(string raw, string expected) =>
        Assert.Equal(expected, SigV4Canonical.CanonicalUri(raw));

    [Theory]
    [InlineData("prefix=J&max-keys=2", "max-keys=2&prefix=J")]
    [InlineData("?lifecycle", "lifecycle=")]
    [InlineData("b=2&a=3&a=1", "a=1&a=3&b=2")]
    [InlineData("x=a+b&y=%2f&z=%7E", "x=a%20b&y=%2F&z=~")]
    [InlineData("prefix=photos/2006/", "prefix=photos%2F2006%2F")]
    [InlineData("&&list-type=2&", "list-type=2")]
    [InlineData("", "")]
    public void Canonical_query_is_sorted_and_reencoded(string raw, string expected) =>
        Assert.Equal(expected, SigV4Canonical.CanonicalQuery(raw, excludeSignature: false));

    [Fact]
    public void Canonical_query_drops_the_signature_for_presigned_requests() =>
        Assert.Equal("X-Amz-Date=1&a=b", SigV4Canonical.CanonicalQuery("X-Amz-Signature=abc&a=b&X-Amz-Date=1", excludeSignature: true));

    [Fact]
    public void Header_values_are_trimmed_collapsed_and_joined() =>
        Assert.Equal("a b,c d", SigV4Canonical.NormalizeHeaderValue(new StringValues(["  a    b ", "c  d"])));
}
