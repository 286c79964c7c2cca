using System.Text;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.TestCommon;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>
/// The S3 examples from AWS's "Signature Calculations for the Authorization Header", "Query string
/// authentication" and "Signature calculations for chunked upload" pages. Each is checked twice: our signer
/// reproduces AWS's signature, and the authenticator accepts AWS's request.
/// </summary>
public sealed class AwsKnownAnswerTests
{
    private const string Host = "examplebucket.s3.amazonaws.com";

    public static TheoryData<string, string, string[], string, string> HeaderExamples => new()
    {
        {
            "GET", "/test.txt",
            ["Host", Host, "Range", "bytes=0-9", "x-amz-content-sha256", ExampleCredentials.EmptySha256, "x-amz-date", "20130524T000000Z"],
            "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        },
        {
            "PUT", "/test$file.text",
            [
                "Host", Host, "Date", "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date", "20130524T000000Z",
                "x-amz-storage-class", "REDUCED_REDUNDANCY",
                "x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
            ],
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        },
        {
            "GET", "/?lifecycle",
            ["Host", Host, "x-amz-date", "20130524T000000Z", "x-amz-content-sha256", ExampleCredentials.EmptySha256],
            "host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        },
        {
            "GET", "/?max-keys=2&prefix=J",
            ["Host", Host, "x-amz-date", "20130524T000000Z", "x-amz-content-sha256", ExampleCredentials.EmptySha256],
            "host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        },
    };

    [Theory]
    [MemberData(nameof(HeaderExamples))]
    public void Signer_reproduces_AWS_header_signatures(string method, string target, string[] headers, string signedHeaders, string signature)
    {
        var (path, query) = Split(target);
        var signed = ExampleCredentials.Signer().SignHeaders(method, path, query, Pairs(headers), HeaderValue(headers, "x-amz-content-sha256"), ExampleCredentials.Time);

        Assert.Equal(signedHeaders, signed.SignedHeaders);
        Assert.Equal(signature, signed.Signature);
    }

    [Theory]
    [MemberData(nameof(HeaderExamples))]
    public void Authenticator_accepts_AWS_header_examples(string method, string target, string[] headers, string signedHeaders, string signature)
    {
        var all = Pairs(headers).Append(new("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders={signedHeaders},Signature={signature}"));

        var result = ExampleCredentials.Authenticator().Authenticate(TestRequest.Build(method, target, all));

        Assert.Equal(ExampleCredentials.AccessKey, result.AccessKeyId);
        Assert.Equal(PayloadMode.SignedSha256, result.Payload);
    }

    [Fact]
    public void Get_object_example_matches_AWS_canonical_request_and_string_to_sign()
    {
        var signed = ExampleCredentials.Signer().SignHeaders(
            "GET", "/test.txt", "",
            [new("Host", Host), new("Range", "bytes=0-9"), new("x-amz-content-sha256", ExampleCredentials.EmptySha256), new("x-amz-date", "20130524T000000Z")],
            ExampleCredentials.EmptySha256, ExampleCredentials.Time);

        Assert.Equal(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            + $"x-amz-content-sha256:{ExampleCredentials.EmptySha256}\nx-amz-date:20130524T000000Z\n\n"
            + $"host;range;x-amz-content-sha256;x-amz-date\n{ExampleCredentials.EmptySha256}",
            signed.CanonicalRequest);
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            signed.StringToSign);
    }

    [Fact]
    public async Task Put_object_example_body_verifies_against_its_sha256()
    {
        var body = Encoding.ASCII.GetBytes("Welcome to Amazon S3.");
        var request = TestRequest.Build("PUT", "/test$file.text",
        [
            new("Host", Host), new("Date", "Fri, 24 May 2013 00:00:00 GMT"), new("x-amz-date", "20130524T000000Z"),
            new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            new("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
            new("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        ], body);

        var auth = ExampleCredentials.Authenticator().Authenticate(request);
        var decoded = await TestRequest.ReadAllAsync(auth.WrapBody(request.Body));

        Assert.Equal(body, decoded);
    }

    [Fact]
    public void Signer_reproduces_AWS_presigned_url()
    {
        var target = ExampleCredentials.Signer().Presign("GET", Host, "/test.txt", ExampleCredentials.Time, 86400);

        Assert.Equal(
            "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            target);
    }

    [Fact]
    public void Authenticator_accepts_AWS_presigned_url_as_unsigned_payload()
    {
        const string target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

        var result = ExampleCredentials.Authenticator(ExampleCredentials.Time.AddHours(23))
            .Authenticate(TestRequest.Build("GET", target, [new("Host", Host)]));

        Assert.Equal(PayloadMode.Unsigned, result.Payload);
        Assert.Equal(ExampleCredentials.AccessKey, result.AccessKeyId);
    }

    [Fact]
    public void Chunked_upload_example_seed_and_chunk_signatures_match_AWS()
    {
        var signer = ExampleCredentials.Signer();
        var seed = signer.SignHeaders("PUT", "/examplebucket/chunkObject.txt", "", ChunkedExampleHeaders(withAuthorization: false),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", ExampleCredentials.Time);
        Assert.Equal(ChunkedSeedSignature, seed.Signature);

        var first = signer.ChunkSignature(seed.Signature, Enumerable.Repeat((byte)'a', 65536).ToArray(), ExampleCredentials.Time);
        var second = signer.ChunkSignature(first, Enumerable.Repeat((byte)'a', 1024).ToArray(), ExampleCredentials.Time);
        var final = signer.ChunkSignature(second, [], ExampleCredentials.Time);

        Assert.Equal("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", first);
        Assert.Equal("0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", second);
        Assert.Equal("b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9", final);
        Assert.Equal(ChunkedExampleBody(), signer.EncodeChunkedBody(
            Enumerable.Repeat((byte)'a', 66560).ToArray(), 65536, PayloadMode.StreamingSigned, ExampleCredentials.Time, seed.Signature));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(70000)]
    public async Task Chunked_upload_example_decodes_and_verifies(int maxRead)
    {
        var body = ChunkedExampleBody();
        Assert.Equal(66824, body.Length);
        var request = TestRequest.Build("PUT", "/examplebucket/chunkObject.txt", ChunkedExampleHeaders(withAuthorization: true));

        var auth = ExampleCredentials.Authenticator().Authenticate(request);
        var decoded = await TestRequest.ReadAllAsync(auth.WrapBody(new TrickleStream(body, maxRead)), readSize: 5000);

        Assert.Equal(PayloadMode.StreamingSigned, auth.Payload);
        Assert.Equal(66560, auth.DecodedContentLength);
        Assert.Equal(Enumerable.Repeat((byte)'a', 66560).ToArray(), decoded);
    }

    internal const string ChunkedSeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    internal static List<KeyValuePair<string, string>> ChunkedExampleHeaders(bool withAuthorization)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "s3.amazonaws.com"),
            new("x-amz-date", "20130524T000000Z"),
            new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            new("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            new("Content-Encoding", "aws-chunked"),
            new("x-amz-decoded-content-length", "66560"),
            new("Content-Length", "66824"),
        };
        if (withAuthorization)
        {
            headers.Add(new("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
                + "Signature=" + ChunkedSeedSignature));
        }

        return headers;
    }

    internal static byte[] ChunkedExampleBody()
    {
        var body = new MemoryStream();
        body.Write("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"u8);
        body.Write(Enumerable.Repeat((byte)'a', 65536).ToArray());
        body.Write("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"u8);
        body.Write(Enumerable.Repeat((byte)'a', 1024).ToArray());
        body.Write("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"u8);
        return body.ToArray();
    }

    private static (string Path, string Query) Split(string target)
    {
        var q = target.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (target, "") : (target[..q], target[(q + 1)..]);
    }

    private static List<KeyValuePair<string, string>> Pairs(string[] flat) =>
        Enumerable.Range(0, flat.Length / 2).Select(i => new KeyValuePair<string, string>(flat[2 * i], flat[(2 * i) + 1])).ToList();

    private static string HeaderValue(string[] flat, string name) =>
        Pairs(flat).Single(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
