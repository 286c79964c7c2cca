using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>Every SSE header error of reference §1.3, with AWS's code, status and message.</summary>
public sealed class SseRequestParserTests
{
    // the seed's key: "32byteslongsecretkeymustprovided"
    public const string SeedKey = "MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQ=";
    public const string SeedKeyMd5 = "7PpPLAK26ONlVUGOWlusfg==";

    private static HeaderDictionary Headers(params (string Name, string Value)[] pairs)
    {
        var h = new HeaderDictionary();
        foreach (var (n, v) in pairs)
        {
            h[n] = v;
        }

        return h;
    }

    private static HeaderDictionary SseC(string algorithm = "AES256", string? key = SeedKey, string? md5 = SeedKeyMd5)
    {
        var h = Headers(("x-amz-server-side-encryption-customer-algorithm", algorithm));
        if (key is not null)
        {
            h["x-amz-server-side-encryption-customer-key"] = key;
        }

        if (md5 is not null)
        {
            h["x-amz-server-side-encryption-customer-key-MD5"] = md5;
        }

        return h;
    }

    private static S3Exception Fails(Func<object?> parse) => Assert.Throws<S3Exception>(parse);

    [Fact]
    public void The_seed_key_parses_as_sse_c()
    {
        var request = SseRequestParser.ParseWrite(SseC());
        Assert.Equal(SseType.SseC, request.Type);
        Assert.Equal(SeedKeyMd5, request.CustomerKey!.KeyMd5);
        Assert.Equal("32byteslongsecretkeymustprovided"u8.ToArray(), request.CustomerKey.Key.ToArray());
        Assert.DoesNotContain(SeedKey, request.CustomerKey.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_bucket_key_header_is_true_false_or_absent_and_is_kept_without_other_sse_headers()
    {
        const string BucketKey = "x-amz-server-side-encryption-bucket-key-enabled";
        Assert.Null(SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"))).BucketKeyEnabled);
        Assert.True(SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"), (BucketKey, "TRUE"))).UsesBucketKey);
        Assert.False(SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"), (BucketKey, "false"))).BucketKeyEnabled);
        var alone = SseRequestParser.ParseWrite(Headers((BucketKey, "false")));
        Assert.Equal((SseType.None, false), (alone.Type, alone.BucketKeyEnabled));
    }

    [Fact]
    public void No_headers_is_no_encryption_and_sse_s3_and_sse_kms_parse()
    {
        Assert.Equal(SseType.None, SseRequestParser.ParseWrite(Headers()).Type);
        Assert.Equal(SseType.SseS3, SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "AES256"))).Type);
        var context = Convert.ToBase64String("{\"a\":\"b\"}"u8);
        var kms = SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"),
            ("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:my-key"), ("x-amz-server-side-encryption-context", context)));
        Assert.Equal(SseType.SseKms, kms.Type);
        Assert.Equal("my-key", kms.KmsKeyId);
        Assert.Equal("b", kms.Context!["a"]);
        Assert.Null(SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"))).KmsKeyId);
    }

    [Fact]
    public void Wrong_md5_is_invalid_argument()
    {
        var e = Fails(() => SseRequestParser.ParseWrite(SseC(md5: Convert.ToBase64String(MD5.HashData("other"u8)))));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal("The calculated MD5 hash of the key did not match the hash that was provided.", e.Message);
        Assert.Contains(e.ExtraElements, kv => kv.Key == "ArgumentName" && kv.Value == "x-amz-server-side-encryption");
    }

    [Fact]
    public void Missing_md5_is_invalid_argument()
    {
        var e = Fails(() => SseRequestParser.ParseWrite(SseC(md5: null)));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal(SseErrors.MissingKeyMd5Message, e.Message);
    }

    [Theory]
    [InlineData("c2hvcnQ=")] // "short"
    [InlineData("not base64 at all!")]
    [InlineData("MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQxMjM=")] // 35 bytes
    public void A_key_that_is_not_32_bytes_is_invalid_argument_on_aws(string key)
    {
        var e = Fails(() => SseRequestParser.ParseWrite(SseC(key: key)));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal("The secret key was invalid for the specified algorithm.", e.Message);
    }

    [Fact]
    public void Algorithm_without_key_is_invalid_argument()
    {
        var e = Fails(() => SseRequestParser.ParseWrite(SseC(key: null, md5: null)));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", e.Message);
    }

    [Fact]
    public void Key_without_algorithm_is_invalid_argument()
    {
        var h = Headers(("x-amz-server-side-encryption-customer-key", SeedKey), ("x-amz-server-side-encryption-customer-key-MD5", SeedKeyMd5));
        var e = Fails(() => SseRequestParser.ParseWrite(h));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", e.Message);
    }

    [Theory]
    [InlineData("KMS")]
    [InlineData("AES251")]
    [InlineData("aes256")]
    public void An_algorithm_other_than_aes256_is_invalid_encryption_algorithm_error(string algorithm)
    {
        var e = Fails(() => SseRequestParser.ParseWrite(SseC(algorithm)));
        Assert.Equal(("InvalidEncryptionAlgorithmError", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal("The Encryption request you specified is not valid. Supported value: AES256.", e.Message);
        Assert.Contains(e.ExtraElements, kv => kv.Key == "ArgumentValue" && kv.Value == algorithm);
    }

    [Theory]
    [InlineData("AES256")]
    [InlineData("aws:kms")]
    public void Sse_c_with_another_method_is_incompatible(string method)
    {
        var h = SseC();
        h["x-amz-server-side-encryption"] = method;
        var e = Fails(() => SseRequestParser.ParseWrite(h));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", e.Message);
        Assert.Contains(e.ExtraElements, kv => kv.Key == "ArgumentValue" && kv.Value == method);
    }

    [Fact]
    public void Kms_key_id_without_aws_kms_is_refused()
    {
        var e = Fails(() => SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption-aws-kms-key-id", "k"))));
        Assert.Equal(("InvalidArgument", 400), (e.Info.Code, e.HttpStatus));
        Assert.Equal(SseErrors.KmsMethodRequiredMessage, e.Message);
        e = Fails(() => SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "AWS:KMS"), ("x-amz-server-side-encryption-aws-kms-key-id", "k"))));
        Assert.Equal(SseErrors.KmsMethodRequiredMessage, e.Message);
    }

    [Fact]
    public void Unknown_method_key_id_with_spaces_and_bad_context_are_refused()
    {
        var unknown = Fails(() => SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "AES257"))));
        Assert.Equal(("InvalidArgument", 400), (unknown.Info.Code, unknown.HttpStatus));
        var spaces = Fails(() => SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", " k"))));
        Assert.Equal(("InvalidRequest", 400, SseErrors.KmsKeyIdCharactersMessage), (spaces.Info.Code, spaces.HttpStatus, spaces.Message));
        var context = Fails(() => SseRequestParser.ParseWrite(Headers(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-context", Convert.ToBase64String("[1]"u8)))));
        Assert.Equal(("InvalidArgument", 400), (context.Info.Code, context.HttpStatus));
    }

    [Fact]
    public void Get_with_server_side_encryption_header_is_400()
    {
        var e = Fails(() => SseRequestParser.ParseRead(Headers(("x-amz-server-side-encryption", "AES256"))));
        Assert.Equal(400, e.HttpStatus);
        Assert.Null(SseRequestParser.ParseRead(Headers()));
        Assert.NotNull(SseRequestParser.ParseRead(SseC()));
    }

    [Fact]
    public void Copy_source_headers_are_parsed_separately()
    {
        var h = Headers(("x-amz-copy-source-server-side-encryption-customer-algorithm", "AES256"),
            ("x-amz-copy-source-server-side-encryption-customer-key", SeedKey),
            ("x-amz-copy-source-server-side-encryption-customer-key-MD5", SeedKeyMd5));
        Assert.Null(SseRequestParser.ParseCustomerKey(h, copySource: false));
        Assert.Equal(SeedKeyMd5, SseRequestParser.ParseCustomerKey(h, copySource: true)!.KeyMd5);
        Assert.Equal(SseType.None, SseRequestParser.ParseWrite(h).Type);
    }

    [Fact]
    public void Sse_c_over_plain_http_is_refused_for_both_header_sets()
    {
        SseRequestParser.RequireSecureTransport(SseC(), isHttps: true);
        SseRequestParser.RequireSecureTransport(Headers(("x-amz-server-side-encryption", "AES256")), isHttps: false);
        var e = Assert.Throws<S3Exception>(() => SseRequestParser.RequireSecureTransport(SseC(), isHttps: false));
        Assert.Equal(("InvalidRequest", 400, SseErrors.InsecureConnectionMessage), (e.Info.Code, e.HttpStatus, e.Message));
        Assert.Throws<S3Exception>(() => SseRequestParser.RequireSecureTransport(
            Headers(("x-amz-copy-source-server-side-encryption-customer-key", SeedKey)), isHttps: false));
    }
}
