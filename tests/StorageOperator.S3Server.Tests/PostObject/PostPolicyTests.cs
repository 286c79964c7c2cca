using System.Text;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>Policy parsing, condition checks and form signatures, against AWS's published SigV4 POST example.</summary>
public sealed class PostPolicyTests
{
    // "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)", S3 API reference
    private const string ExamplePolicy =
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";

    private const string ExampleSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";
    private const string ExampleAccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset ExampleNow = new(2015, 12, 29, 12, 0, 0, TimeSpan.Zero);

    private sealed class OneKey(string accessKey, string secret) : ICredentialProvider
    {
        public string? GetSecretKey(string accessKeyId) => accessKeyId == accessKey ? secret : null;
    }

    private static Dictionary<string, string> ExampleFields() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["key"] = "user/user1/photo.jpg",
        ["acl"] = "public-read",
        ["success_action_redirect"] = "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
        ["Content-Type"] = "image/jpeg",
        ["x-amz-meta-uuid"] = "14365123651274",
        ["x-amz-server-side-encryption"] = "AES256",
        ["X-Amz-Credential"] = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
        ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
        ["X-Amz-Date"] = "20151229T000000Z",
        ["x-amz-meta-tag"] = "",
        ["Policy"] = ExamplePolicy,
        ["X-Amz-Signature"] = ExampleSignature,
    };

    [Fact]
    public void Signs_the_aws_example_policy_to_the_published_signature()
    {
        Assert.Equal(ExampleSignature, PostPolicySignature.SignV4(ExampleSecret, "20151229", "us-east-1", ExamplePolicy));
        Assert.Equal(ExampleAccessKey, PostPolicySignature.Verify(ExampleFields(), new OneKey(ExampleAccessKey, ExampleSecret), "us-east-1"));
    }

    [Fact]
    public void Accepts_the_aws_example_form_before_expiry_and_refuses_it_after()
    {
        var policy = PostPolicy.Parse(ExamplePolicy);
        Assert.Equal(new DateTimeOffset(2015, 12, 30, 12, 0, 0, TimeSpan.Zero), policy.Expiration);
        Assert.Equal(11, policy.Conditions.Count);
        policy.Check(ExampleFields(), "sigv4examplebucket", ExampleNow);

        var e = Assert.Throws<S3Exception>(() => policy.Check(ExampleFields(), "sigv4examplebucket", policy.Expiration));
        Assert.Equal(S3ErrorCode.AccessDenied, e.Code);
        Assert.Equal("Invalid according to Policy: Policy expired.", e.Message);
    }

    [Theory]
    [InlineData("key", "user/user2/photo.jpg", "[\"starts-with\", \"$key\", \"user/user1/\"]")]
    [InlineData("Content-Type", "text/plain", "[\"starts-with\", \"$Content-Type\", \"image/\"]")]
    [InlineData("Content-Type", "image/png, text/plain", "[\"starts-with\", \"$Content-Type\", \"image/\"]")]
    [InlineData("acl", "private", "[\"eq\", \"$acl\", \"public-read\"]")]
    [InlineData("x-amz-meta-uuid", "1", "[\"eq\", \"$x-amz-meta-uuid\", \"14365123651274\"]")]
    public void Each_failing_condition_is_named(string field, string value, string condition)
    {
        var fields = ExampleFields();
        fields[field] = value;
        var e = Assert.Throws<S3Exception>(() => PostPolicy.Parse(ExamplePolicy).Check(fields, "sigv4examplebucket", ExampleNow));
        Assert.Equal(S3ErrorCode.AccessDenied, e.Code);
        Assert.Equal("Invalid according to Policy: Policy Condition failed: " + condition, e.Message);
    }

    [Fact]
    public void Bucket_condition_is_checked_against_the_request_bucket_and_missing_eq_fields_fail()
    {
        var policy = PostPolicy.Parse(ExamplePolicy);
        var e = Assert.Throws<S3Exception>(() => policy.Check(ExampleFields(), "otherbucket", ExampleNow));
        Assert.Contains("\"$bucket\", \"sigv4examplebucket\"", e.Message, StringComparison.Ordinal);

        var fields = ExampleFields();
        fields.Remove("x-amz-meta-uuid");
        Assert.Throws<S3Exception>(() => policy.Check(fields, "sigv4examplebucket", ExampleNow));

        // starts-with "" allows the field to be absent
        fields = ExampleFields();
        fields.Remove("x-amz-meta-tag");
        policy.Check(fields, "sigv4examplebucket", ExampleNow);
    }

    [Fact]
    public void Fields_without_a_condition_are_refused_except_signature_fields_and_x_ignore()
    {
        var policy = PostPolicy.Parse(ExamplePolicy);
        var fields = ExampleFields();
        fields["x-ignore-submit"] = "Upload";
        fields["file"] = "ignored";
        policy.Check(fields, "sigv4examplebucket", ExampleNow);

        fields["x-amz-meta-extra"] = "1";
        fields["cache-control"] = "no-cache";
        var e = Assert.Throws<S3Exception>(() => policy.Check(fields, "sigv4examplebucket", ExampleNow));
        Assert.Equal("Invalid according to Policy: Extra input fields: cache-control, x-amz-meta-extra", e.Message);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("{\"conditions\": []}")]
    [InlineData("{\"expiration\": \"soon\", \"conditions\": []}")]
    [InlineData("{\"expiration\": \"2030-01-01T00:00:00Z\"}")]
    [InlineData("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"matches\", \"$key\", \"x\"]]}")]
    [InlineData("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"eq\", \"key\", \"x\"]]}")]
    [InlineData("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"content-length-range\", 10, 1]]}")]
    [InlineData("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"eq\", \"$key\"]]}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"expiration\": ")]
    public void Malformed_policies_are_invalid_policy_documents(string json)
    {
        var encoded = json == "not base64!" ? json : Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        var e = Assert.Throws<S3Exception>(() => PostPolicy.Parse(encoded));
        Assert.Equal(S3ErrorCode.InvalidPolicyDocument, e.Code);
    }

    [Fact]
    public void Content_length_range_accepts_numbers_and_quoted_numbers()
    {
        var p = PostPolicy.Parse(Convert.ToBase64String(Encoding.UTF8.GetBytes(
            "{\"expiration\": \"2030-01-01T00:00:00.000Z\", \"conditions\": [[\"content-length-range\", \"5\", 1048576]]}")));
        Assert.Equal((5L, 1048576L), (p.LengthRange!.Min, p.LengthRange.Max));
    }

    [Fact]
    public void Signature_checks_v4_fields_v2_and_anonymous()
    {
        var keys = new OneKey(ExampleAccessKey, ExampleSecret);
        var fields = ExampleFields();
        fields["X-Amz-Signature"] = "0" + ExampleSignature[1..];
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, Assert.Throws<S3Exception>(() => PostPolicySignature.Verify(fields, keys, "us-east-1")).Code);

        // the scope's region is part of the signing key
        Assert.Equal(S3ErrorCode.InvalidArgument, Assert.Throws<S3Exception>(() => PostPolicySignature.Verify(ExampleFields(), keys, "eu-west-1")).Code);

        fields = ExampleFields();
        fields.Remove("x-amz-date");
        var missing = Assert.Throws<S3Exception>(() => PostPolicySignature.Verify(fields, keys, "us-east-1"));
        Assert.Equal(S3ErrorCode.InvalidArgument, missing.Code);
        Assert.Contains(missing.ExtraElements, e => e.Key == "ArgumentName" && e.Value == "x-amz-date");

        Assert.Equal(S3ErrorCode.InvalidAccessKeyId,
            Assert.Throws<S3Exception>(() => PostPolicySignature.Verify(ExampleFields(), new OneKey("other", ExampleSecret), "us-east-1")).Code);

        var v2 = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["AWSAccessKeyId"] = ExampleAccessKey,
            ["policy"] = ExamplePolicy,
            ["signature"] = SigV2Verifier.Sign(ExampleSecret, ExamplePolicy),
        };
        Assert.Equal(ExampleAccessKey, PostPolicySignature.Verify(v2, keys, "us-east-1"));
        v2["signature"] = SigV2Verifier.Sign("wrong", ExamplePolicy);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, Assert.Throws<S3Exception>(() => PostPolicySignature.Verify(v2, keys, "us-east-1")).Code);

        var anonymous = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["key"] = "k" };
        Assert.Equal(S3ErrorCode.AccessDenied, Assert.Throws<S3Exception>(() => PostPolicySignature.Verify(anonymous, keys, "us-east-1")).Code);
    }
}
