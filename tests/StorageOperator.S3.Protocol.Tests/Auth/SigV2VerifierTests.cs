using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>
/// Signature Version 2, against the signatures published in AWS's "Signing and authenticating REST requests"
/// examples (bucket "johnsmith", the example key pair). boto3's default presigned URLs and the aws CLI v1's
/// <c>s3 presign</c> are SigV2, so these must verify.
/// </summary>
public sealed class SigV2VerifierTests
{
    private static readonly DateTimeOffset ExampleTime = new(2007, 3, 27, 19, 36, 42, TimeSpan.Zero);

    private static SigV4Authenticator Authenticator(DateTimeOffset now) => ExampleCredentials.Authenticator(now);

    [Fact]
    public void Aws_example_object_get_verifies_virtual_host_style()
    {
        var request = TestRequest.Build("GET", "/photos/puppy.jpg",
        [
            new("Host", "johnsmith.s3.amazonaws.com"),
            new("Date", "Tue, 27 Mar 2007 19:36:42 +0000"),
            new("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="),
        ]);

        var result = Authenticator(ExampleTime).Authenticate(request, virtualHostBucket: "johnsmith");

        Assert.Equal(ExampleCredentials.AccessKey, result.AccessKeyId);
        Assert.Equal(PayloadMode.Unsigned, result.Payload);
    }

    [Fact]
    public void Aws_example_object_put_signs_content_type()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "johnsmith.s3.amazonaws.com"),
            new("Date", "Tue, 27 Mar 2007 21:15:45 +0000"),
            new("Content-Type", "image/jpeg"),
            new("Content-Length", "94328"),
            new("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:MyyxeRY7whkBe+bq8fHCL/2kKUg="),
        };
        var at = new DateTimeOffset(2007, 3, 27, 21, 15, 45, TimeSpan.Zero);
        Assert.Equal(ExampleCredentials.AccessKey, Authenticator(at).Authenticate(TestRequest.Build("PUT", "/photos/puppy.jpg", headers), "johnsmith").AccessKeyId);

        headers[2] = new("Content-Type", "image/png");
        var e = S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () =>
            Authenticator(at).Authenticate(TestRequest.Build("PUT", "/photos/puppy.jpg", headers), "johnsmith"));
        Assert.Equal("PUT\n\nimage/png\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg", S3Assert.Extra(e, "StringToSign"));
    }

    [Fact]
    public void Aws_example_acl_subresource_is_signed_path_style()
    {
        var request = TestRequest.Build("GET", "/johnsmith/?acl",
        [
            new("Host", "s3.amazonaws.com"),
            new("Date", "Tue, 27 Mar 2007 19:44:46 +0000"),
            new("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:c2WLPFtWHVgbEmeEG93a4cG37dM="),
        ]);

        Assert.Equal(ExampleCredentials.AccessKey, Authenticator(new DateTimeOffset(2007, 3, 27, 19, 44, 46, TimeSpan.Zero)).Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void Aws_example_query_string_verifies_until_it_expires()
    {
        const string target = "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";
        var request = TestRequest.Build("GET", target, [new("Host", "s3.amazonaws.com")]);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(1175139620);

        Assert.Equal(ExampleCredentials.AccessKey, Authenticator(expiresAt).Authenticate(request).AccessKeyId);

        var e = S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () =>
            Authenticator(expiresAt.AddSeconds(1)).Authenticate(TestRequest.Build("GET", target, [new("Host", "s3.amazonaws.com")])));
        Assert.Equal("Request has expired", e.Message);
    }

    [Fact]
    public void Query_string_with_a_moved_expiry_does_not_verify()
    {
        const string target = "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139621";
        S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () =>
            Authenticator(ExampleTime).Authenticate(TestRequest.Build("GET", target, [new("Host", "s3.amazonaws.com")])));
    }

    [Fact]
    public void Amz_headers_are_signed_and_x_amz_date_empties_the_date_slot()
    {
        const string stringToSign = "PUT\n\n\n\nx-amz-date:Tue, 27 Mar 2007 19:36:42 GMT\nx-amz-meta-a:1,2\n/b/k?partNumber=2&uploadId=u x";
        var signature = SigV2Verifier.Sign(ExampleCredentials.SecretKey, stringToSign);
        var request = TestRequest.Build("PUT", "/b/k?uploadId=u%20x&partNumber=2&foo=bar",
        [
            new("Host", "h"),
            new("X-Amz-Date", "Tue, 27 Mar 2007 19:36:42 GMT"),
            new("X-Amz-Meta-A", " 1 "),
            new("X-Amz-Meta-A", "2"),
            new("Date", "Wed, 28 Mar 2007 00:00:00 GMT"),
            new("Authorization", $"AWS {ExampleCredentials.AccessKey}:{signature}"),
        ]);

        Assert.Equal(ExampleCredentials.AccessKey, Authenticator(ExampleTime).Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void Path_style_bucket_request_verifies_in_botocores_trailing_slash_form()
    {
        var date = "Tue, 27 Mar 2007 19:36:42 GMT";
        foreach (var signedResource in new[] { "/johnsmith/?location", "/johnsmith?location" })
        {
            var request = TestRequest.Build("GET", "/johnsmith?location",
            [
                new("Host", "s3.amazonaws.com"),
                new("Date", date),
                new("Authorization", $"AWS {ExampleCredentials.AccessKey}:{SigV2Verifier.Sign(ExampleCredentials.SecretKey, $"GET\n\n\n{date}\n{signedResource}")}"),
            ]);
            Assert.Equal(ExampleCredentials.AccessKey, Authenticator(ExampleTime).Authenticate(request).AccessKeyId);
        }

        // only the bucket itself has two spellings: an object path does not gain a slash
        var objectRequest = TestRequest.Build("GET", "/johnsmith/k",
        [
            new("Host", "s3.amazonaws.com"),
            new("Date", date),
            new("Authorization", $"AWS {ExampleCredentials.AccessKey}:{SigV2Verifier.Sign(ExampleCredentials.SecretKey, $"GET\n\n\n{date}\n/johnsmith/k/")}"),
        ]);
        S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () => Authenticator(ExampleTime).Authenticate(objectRequest));
    }

    [Fact]
    public void Empty_subresource_value_signs_as_the_bare_name()
    {
        Assert.Equal("/b/k?uploads", SigV2Verifier.CanonicalResource("/b/k", "uploads=", null));
        Assert.Equal("/b/k?uploads", SigV2Verifier.CanonicalResource("/b/k", "?uploads", null));
        Assert.Equal("/b/%C3%BC%2B?versionId=v+1", SigV2Verifier.CanonicalResource("/b/%C3%BC%2B", "versionId=v%2B1&x=1", null));
    }

    [Fact]
    public void Go_style_utc_date_is_accepted()
    {
        const string stringToSign = "GET\n\n\nTue, 27 Mar 2007 19:36:42 UTC\n/b/";
        var request = TestRequest.Build("GET", "/b/",
        [
            new("Host", "h"),
            new("Date", "Tue, 27 Mar 2007 19:36:42 UTC"),
            new("Authorization", $"AWS {ExampleCredentials.AccessKey}:{SigV2Verifier.Sign(ExampleCredentials.SecretKey, stringToSign)}"),
        ]);

        Assert.Equal(ExampleCredentials.AccessKey, Authenticator(ExampleTime).Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void Header_skewed_by_more_than_15_minutes_is_refused() =>
        S3Assert.Throws(S3ErrorCode.RequestTimeTooSkewed, 403, () => Authenticator(ExampleTime.AddMinutes(16)).Authenticate(TestRequest.Build("GET", "/photos/puppy.jpg",
        [
            new("Host", "johnsmith.s3.amazonaws.com"),
            new("Date", "Tue, 27 Mar 2007 19:36:42 +0000"),
            new("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="),
        ]), "johnsmith"));

    [Theory]
    [InlineData("AWS AKIAIOSFODNN7EXAMPLE", S3ErrorCode.InvalidArgument, 400)]
    [InlineData("AWS :sig", S3ErrorCode.InvalidArgument, 400)]
    [InlineData("AWS AKIDUNKNOWN:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", S3ErrorCode.InvalidAccessKeyId, 403)]
    [InlineData("AWS AKIAIOSFODNN7EXAMPLE:not-base64", S3ErrorCode.SignatureDoesNotMatch, 403)]
    public void Malformed_or_unknown_header_credentials_are_refused(string authorization, S3ErrorCode code, int status) =>
        S3Assert.Throws(code, status, () => Authenticator(ExampleTime).Authenticate(TestRequest.Build("GET", "/photos/puppy.jpg",
        [
            new("Host", "johnsmith.s3.amazonaws.com"),
            new("Date", "Tue, 27 Mar 2007 19:36:42 +0000"),
            new("Authorization", authorization),
        ]), "johnsmith"));

    [Fact]
    public void Query_without_expires_is_refused() =>
        S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () => Authenticator(ExampleTime).Authenticate(
            TestRequest.Build("GET", "/bucket/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc", [new("Host", "h")])));
}
