using System.Net;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>The §1.3 header errors as a client sees them on the wire: status, code, message and ArgumentName/Value.</summary>
public sealed class SseWireErrorTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    private const string Alg = "x-amz-server-side-encryption-customer-algorithm";
    private const string Key = "x-amz-server-side-encryption-customer-key";
    private const string Md5 = "x-amz-server-side-encryption-customer-key-MD5";

    public static TheoryData<string, int, string, string> Cases() => new()
    {
        { $"{Alg}=AES256|{Key}={SseRequestParserTests.SeedKey}|{Md5}=AAAAAAAAAAAAAAAAAAAAAA==", 400, "InvalidArgument", SseErrors.KeyMd5MismatchMessage },
        { $"{Alg}=AES256|{Key}={SseRequestParserTests.SeedKey}", 400, "InvalidArgument", SseErrors.MissingKeyMd5Message },
        { $"{Alg}=AES256|{Key}=c2hvcnQ=|{Md5}={SseRequestParserTests.SeedKeyMd5}", 400, "InvalidArgument", SseErrors.InvalidKeyMessage },
        { $"{Alg}=AES256", 400, "InvalidArgument", SseErrors.MissingKeyMessage },
        { $"{Key}={SseRequestParserTests.SeedKey}|{Md5}={SseRequestParserTests.SeedKeyMd5}", 400, "InvalidArgument", SseErrors.MissingAlgorithmMessage },
        { $"{Alg}=AES251|{Key}={SseRequestParserTests.SeedKey}|{Md5}={SseRequestParserTests.SeedKeyMd5}", 400, "InvalidEncryptionAlgorithmError", SseErrors.InvalidAlgorithmMessage },
        { $"{Alg}=AES256|{Key}={SseRequestParserTests.SeedKey}|{Md5}={SseRequestParserTests.SeedKeyMd5}|x-amz-server-side-encryption=AES256", 400, "InvalidArgument", SseErrors.IncompatibleMethodMessage },
        { "x-amz-server-side-encryption-aws-kms-key-id=k", 400, "InvalidArgument", SseErrors.KmsMethodRequiredMessage },
        { "x-amz-server-side-encryption=aws:kms|x-amz-server-side-encryption-aws-kms-key-id=fake-key-id", 400, "KMS.NotFoundException", "Invalid keyId 'fake-key-id'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Put_object_header_errors_match_aws(string headers, int status, string code, string message)
    {
        var server = fixture.Server;
        var bucket = await server.CreateBucketAsync("wire");
        using var raw = server.CreateRawClient();
        var pairs = headers.Split('|').Select(h => new KeyValuePair<string, string>(h[..h.IndexOf('=', StringComparison.Ordinal)], h[(h.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList();
        using var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/o", body: "body"u8.ToArray(), headers: pairs);
        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        var (actualCode, actualMessage, doc) = await RawS3Client.ReadErrorAsync(response);
        Assert.Equal((code, message), (actualCode, actualMessage));
        if (code is "InvalidArgument" or "InvalidEncryptionAlgorithmError")
        {
            Assert.NotNull(doc.Element("ArgumentName"));
        }

        using var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/o");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }
}
