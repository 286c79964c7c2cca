using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

public sealed class SigV4AuthenticatorTests
{
    private const string Host = "127.0.0.1:9000";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private const string EmptySha256 = ExampleCredentials.EmptySha256;

    private static SigV4Authenticator Authenticator(string region = "us-east-1") => ExampleCredentials.Authenticator(Now, region);

    private static (HttpRequest Request, SignedRequest Signed) Signed(
        string method = "GET",
        string path = "/bucket/key",
        string query = "",
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        string payloadHash = EmptySha256,
        DateTimeOffset? signedAt = null,
        string region = "us-east-1",
        Func<List<KeyValuePair<string, string>>, IEnumerable<KeyValuePair<string, string>>>? tamper = null,
        string? sentTarget = null)
    {
        var all = new List<KeyValuePair<string, string>> { new("Host", Host) };
        all.AddRange(headers ?? []);
        var signed = ExampleCredentials.Signer(region).SignHeaders(method, path, query, all, payloadHash, signedAt ?? Now);
        var sent = tamper is null ? signed.Headers : tamper(signed.Headers.ToList());
        var target = sentTarget ?? (query.Length == 0 ? path : path + "?" + query);
        return (TestRequest.Build(method, target, sent), signed);
    }

    private static List<KeyValuePair<string, string>> Replace(List<KeyValuePair<string, string>> headers, string name, string? value)
    {
        headers.RemoveAll(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (value is not null)
        {
            headers.Add(new(name, value));
        }

        return headers;
    }

    [Fact]
    public void Signed_request_with_awkward_key_query_and_repeated_header_verifies()
    {
        var (request, _) = Signed(
            method: "PUT",
            path: "/bucket/dir/a%20b%2Bc%E2%82%AC(1)~!.txt",
            query: "partNumber=2&uploadId=a%2Fb%3D%3D",
            headers: [new("x-amz-meta-note", "  two   spaces "), new("x-amz-meta-list", "a"), new("x-amz-meta-list", "b")],
            payloadHash: "UNSIGNED-PAYLOAD");

        var result = Authenticator().Authenticate(request);

        Assert.Equal(ExampleCredentials.AccessKey, result.AccessKeyId);
        Assert.Equal(PayloadMode.Unsigned, result.Payload);
    }

    [Fact]
    public void Anonymous_request_is_access_denied() =>
        S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () =>
            Authenticator().Authenticate(TestRequest.Build("GET", "/bucket", [new("Host", Host)])));

    [Fact]
    public void Header_and_presigned_together_are_rejected()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/bucket/k", Now, 60);
        var (request, _) = Signed(path: "/bucket/k", sentTarget: target);
        S3Assert.Throws(S3ErrorCode.InvalidArgument, 400, () => Authenticator().Authenticate(request));
    }

    [Fact]
    public void SigV4a_is_not_implemented() =>
        S3Assert.Throws(S3ErrorCode.NotImplemented, 501, () => Authenticator().Authenticate(
            TestRequest.Build("GET", "/b", [new("Host", Host), new("Authorization", "AWS4-ECDSA-P256-SHA256 Credential=x, SignedHeaders=host, Signature=00")])));

    [Fact]
    public void Unknown_access_key_is_invalid_access_key_id()
    {
        var signer = new SigV4Signer("AKIDUNKNOWN", "secret");
        var signed = signer.SignHeaders("GET", "/b", "", [new("Host", Host)], EmptySha256, Now);
        var e = S3Assert.Throws(S3ErrorCode.InvalidAccessKeyId, 403, () => Authenticator().Authenticate(TestRequest.Build("GET", "/b", signed.Headers)));
        Assert.Equal("AKIDUNKNOWN", S3Assert.Extra(e, "AWSAccessKeyId"));
    }

    [Fact]
    public void Wrong_region_is_authorization_header_malformed_with_AWS_message()
    {
        var (request, _) = Signed(region: "eu-west-1");
        var e = S3Assert.Throws(S3ErrorCode.AuthorizationHeaderMalformed, 400, () => Authenticator().Authenticate(request));
        Assert.Equal("The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'", e.Message);
        Assert.Equal("us-east-1", S3Assert.Extra(e, "Region"));
    }

    [Fact]
    public void Configured_region_is_the_one_expected()
    {
        var (good, _) = Signed(region: "eu-central-1");
        Assert.Equal(ExampleCredentials.AccessKey, Authenticator("eu-central-1").Authenticate(good).AccessKeyId);

        var (bad, _) = Signed();
        var e = S3Assert.Throws(S3ErrorCode.AuthorizationHeaderMalformed, 400, () => Authenticator("eu-central-1").Authenticate(bad));
        Assert.Contains("expecting 'eu-central-1'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/s3, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2026-11-27/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/s3/aws4_request, SignedHeaders=Host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00, Extra=1")]
    public void Malformed_authorization_header_is_rejected(string authorization) =>
        S3Assert.Throws(S3ErrorCode.AuthorizationHeaderMalformed, 400, () => Authenticator().Authenticate(TestRequest.Build("GET", "/b",
            [new("Host", Host), new("x-amz-date", "20261127T080000Z"), new("x-amz-content-sha256", EmptySha256), new("Authorization", authorization)])));

    [Fact]
    public void Missing_date_is_access_denied()
    {
        var (request, _) = Signed(tamper: h => Replace(h, "x-amz-date", null));
        var e = S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () => Authenticator().Authenticate(request));
        Assert.Contains("x-amz-date", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(16)]
    public void Clock_skew_over_15_minutes_is_request_time_too_skewed(int minutes)
    {
        var (request, _) = Signed(signedAt: Now.AddMinutes(minutes));
        var e = S3Assert.Throws(S3ErrorCode.RequestTimeTooSkewed, 403, () => Authenticator().Authenticate(request));
        Assert.Equal("900000", S3Assert.Extra(e, "MaxAllowedSkewMilliseconds"));
    }

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public void Clock_skew_within_15_minutes_is_accepted(int minutes)
    {
        var (request, _) = Signed(signedAt: Now.AddMinutes(minutes));
        Assert.Equal(ExampleCredentials.AccessKey, Authenticator().Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void Missing_content_sha256_header_is_invalid_request()
    {
        // Signed without the header in the signed set, as a client that forgets it would.
        var (request, _) = Signed(tamper: h => Replace(h, "x-amz-content-sha256", null));
        var e = S3Assert.Throws(S3ErrorCode.InvalidRequest, 400, () => Authenticator().Authenticate(request));
        Assert.Equal("Missing required header for this request: x-amz-content-sha256", e.Message);
    }

    [Fact]
    public void Unknown_content_sha256_value_is_invalid_argument() =>
        S3Assert.Throws(S3ErrorCode.InvalidArgument, 400, () => Authenticator().Authenticate(Signed(payloadHash: "STREAMING-SOMETHING").Request));

    [Fact]
    public void Ecdsa_streaming_payload_is_not_implemented() =>
        S3Assert.Throws(S3ErrorCode.NotImplemented, 501, () => Authenticator().Authenticate(
            Signed(payloadHash: "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD").Request));

    [Fact]
    public void Tampered_signature_is_signature_does_not_match_with_AWS_diagnostics()
    {
        var (request, signed) = Signed(query: "list-type=2");
        var bad = signed.Signature[..^1] + (signed.Signature[^1] == '0' ? '1' : '0');
        request.Headers.Authorization = signed.Authorization.Replace(signed.Signature, bad, StringComparison.Ordinal);

        var e = S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () => Authenticator().Authenticate(request));

        Assert.Equal(ExampleCredentials.AccessKey, S3Assert.Extra(e, "AWSAccessKeyId"));
        Assert.Equal(bad, S3Assert.Extra(e, "SignatureProvided"));
        Assert.Equal(signed.StringToSign, S3Assert.Extra(e, "StringToSign"));
        Assert.Equal(signed.CanonicalRequest, S3Assert.Extra(e, "CanonicalRequest"));
    }

    [Fact]
    public void Non_hex_signature_is_signature_does_not_match()
    {
        var (request, signed) = Signed();
        request.Headers.Authorization = signed.Authorization.Replace(signed.Signature, new string('z', 64), StringComparison.Ordinal);
        S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () => Authenticator().Authenticate(request));
    }

    public static TheoryData<string> Tampers => ["header", "path", "query", "method", "wrong-secret"];

    [Theory]
    [MemberData(nameof(Tampers))]
    public void Tampered_request_is_signature_does_not_match(string what)
    {
        HttpRequest request = what switch
        {
            "header" => Signed(headers: [new("x-amz-meta-a", "1")], tamper: h => Replace(h, "x-amz-meta-a", "2")).Request,
            "path" => Signed(path: "/bucket/key", sentTarget: "/bucket/kez").Request,
            "query" => Signed(query: "max-keys=2", sentTarget: "/bucket/key?max-keys=3").Request,
            "method" => WithMethod(Signed().Request, "DELETE"),
            _ => TestRequest.Build("GET", "/b", new SigV4Signer(ExampleCredentials.AccessKey, "not-the-secret").SignHeaders("GET", "/b", "", [new("Host", Host)], EmptySha256, Now).Headers),
        };

        S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () => Authenticator().Authenticate(request));
    }

    [Fact]
    public void Streaming_signed_without_decoded_length_is_missing_content_length() =>
        S3Assert.Throws(S3ErrorCode.MissingContentLength, 411, () => Authenticator().Authenticate(
            Signed(method: "PUT", payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD").Request));

    [Fact]
    public void Presigned_url_verifies_with_extra_query_and_reports_unsigned_payload()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/bucket/a%20b.txt", Now, 3600, "versionId=7&response-content-type=text%2Fplain");
        var result = Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)]));
        Assert.Equal(PayloadMode.Unsigned, result.Payload);
    }

    [Theory]
    [InlineData("x-amz-copy-source", "finance/payroll.csv")]
    [InlineData("x-amz-server-side-encryption-customer-algorithm", "AES256")]
    [InlineData("X-Amz-Meta-Owner", "mallory")]
    public void Presigned_url_with_an_added_unsigned_amz_header_is_access_denied(string name, string value)
    {
        var target = ExampleCredentials.Signer().Presign("PUT", Host, "/uploads/avatar.png", Now, 3600);
        var e = S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () =>
            Authenticator().Authenticate(TestRequest.Build("PUT", target, [new("Host", Host), new(name, value)])));
        Assert.Equal("There were headers present in the request which were not signed", e.Message);
        Assert.Equal(name.ToLowerInvariant(), S3Assert.Extra(e, "HeadersNotSigned"));
    }

    [Fact]
    public void Presigned_url_may_carry_an_unsigned_content_sha256_header()
    {
        var target = ExampleCredentials.Signer().Presign("PUT", Host, "/uploads/avatar.png", Now, 3600);
        var result = Authenticator().Authenticate(TestRequest.Build("PUT", target, [new("Host", Host), new("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]));
        Assert.Equal(ExampleCredentials.AccessKey, result.AccessKeyId);
    }

    [Fact]
    public void Header_signed_request_with_an_added_unsigned_amz_header_is_access_denied()
    {
        var (request, _) = Signed(method: "PUT", path: "/bucket/key", tamper: h => { h.Add(new("x-amz-copy-source", "other/secret")); return h; });
        var e = S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () => Authenticator().Authenticate(request));
        Assert.Equal("x-amz-copy-source", S3Assert.Extra(e, "HeadersNotSigned"));
    }

    [Fact]
    public void Presigned_url_at_its_expiry_instant_is_still_valid()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, 60);
        var result = ExampleCredentials.Authenticator(Now.AddSeconds(60)).Authenticate(TestRequest.Build("GET", target, [new("Host", Host)]));
        Assert.Equal(ExampleCredentials.AccessKey, result.AccessKeyId);
    }

    [Fact]
    public void Expired_presigned_url_is_access_denied()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, 60);
        var e = S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () =>
            ExampleCredentials.Authenticator(Now.AddSeconds(61)).Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])));
        Assert.Equal("Request has expired", e.Message);
        Assert.Equal("60", S3Assert.Extra(e, "X-Amz-Expires"));
    }

    [Fact]
    public void Presigned_url_from_the_future_is_not_valid_yet()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now.AddMinutes(20), 3600);
        var e = S3Assert.Throws(S3ErrorCode.AccessDenied, 403, () => Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])));
        Assert.Equal("Request is not valid yet", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(604801)]
    public void Presigned_expiry_outside_one_second_to_one_week_is_a_query_parameters_error(int expires)
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, expires);
        S3Assert.Throws(S3ErrorCode.AuthorizationQueryParametersError, 400, () => Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])));
    }

    [Fact]
    public void Presigned_expiry_of_one_week_is_accepted()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, 604800);
        Assert.Equal(ExampleCredentials.AccessKey, Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])).AccessKeyId);
    }

    [Fact]
    public void Presigned_url_for_another_region_names_the_expected_one()
    {
        var target = ExampleCredentials.Signer("eu-west-1").Presign("GET", Host, "/b/k", Now, 60);
        var e = S3Assert.Throws(S3ErrorCode.AuthorizationQueryParametersError, 400, () => Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])));
        Assert.Contains("the region 'eu-west-1' is wrong; expecting 'us-east-1'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Amz-Expires=60", "X-Amz-Expires=600")]
    [InlineData("/b/k?", "/b/other?")]
    [InlineData("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host&extra=1")]
    public void Tampered_presigned_url_is_signature_does_not_match(string from, string to)
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, 60).Replace(from, to, StringComparison.Ordinal);
        S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () => Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])));
    }

    [Fact]
    public void Presigned_url_used_on_another_host_is_signature_does_not_match()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, 60);
        S3Assert.Throws(S3ErrorCode.SignatureDoesNotMatch, 403, () => Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", "evil.example")])));
    }

    [Fact]
    public void Presigned_url_missing_a_parameter_is_a_query_parameters_error()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/b/k", Now, 60).Replace("&X-Amz-Date=", "&X-Amz-Dat=", StringComparison.Ordinal);
        S3Assert.Throws(S3ErrorCode.AuthorizationQueryParametersError, 400, () => Authenticator().Authenticate(TestRequest.Build("GET", target, [new("Host", Host)])));
    }

    private static HttpRequest WithMethod(HttpRequest request, string method)
    {
        request.Method = method;
        return request;
    }
}
