using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3.Protocol.Auth;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>The AWS SDK for .NET, over a real socket, against the authenticator: its wire formats are the reference.</summary>
public sealed class AwsSdkInteropTests : IAsyncLifetime
{
    private SigV4TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await SigV4TestServer.StartAsync(new SigV4Authenticator(new ExampleCredentials(), "us-east-1", TimeProvider.System));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AmazonS3Client Client(string secret = ExampleCredentials.SecretKey) => new(
        new BasicAWSCredentials(ExampleCredentials.AccessKey, secret),
        new AmazonS3Config
        {
            ServiceURL = _server.BaseAddress.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    [Theory]
    [InlineData("plain.txt", 10)]
    [InlineData("dir/a b+c\u20ac(1)~!*'=&$@.txt", 300 * 1024)]
    public async Task Put_and_get_round_trip_with_the_sdk_wire_format(string key, int size)
    {
        var payload = RandomNumberGenerator.GetBytes(size);
        using var client = Client();

        await client.PutObjectAsync(new PutObjectRequest { BucketName = "bucket", Key = key, InputStream = new MemoryStream(payload) });
        using var get = await client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = "bucket",
            Key = key,
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = "text/plain; charset=utf-8" },
        });
        var downloaded = new MemoryStream();
        await get.ResponseStream.CopyToAsync(downloaded);

        Assert.Equal(payload, downloaded.ToArray());
        // Over plain HTTP the SDK signs every chunk and appends a signed CRC32 trailer.
        var (mode, trailers) = Assert.Single(_server.Puts);
        Assert.Equal(PayloadMode.StreamingSignedTrailer, mode);
        Assert.Equal(Convert.ToBase64String(Crc32BigEndian(payload)), trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public async Task Wrong_secret_is_signature_does_not_match_for_the_sdk()
    {
        using var client = Client("wrong-secret");
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            client.PutObjectAsync(new PutObjectRequest { BucketName = "bucket", Key = "k", ContentBody = "x" }));
        Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Empty(_server.Objects);
    }

    [Fact]
    public async Task Sdk_presigned_url_works_with_a_plain_http_client()
    {
        var payload = RandomNumberGenerator.GetBytes(1000);
        _server.Objects["/bucket/shared file.bin"] = payload;
        using var client = Client();
        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "bucket",
            Key = "shared file.bin",
            Verb = HttpVerb.GET,
            Protocol = Amazon.S3.Protocol.HTTP,
            Expires = DateTime.UtcNow.AddMinutes(5),
        });

        using var http = new HttpClient();
        Assert.Equal(payload, await http.GetByteArrayAsync(url));

        var tampered = url.Replace("shared%20file", "shared%20filf", StringComparison.Ordinal);
        using var response = await http.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static byte[] Crc32BigEndian(byte[] data)
    {
        var crc = Crc32.HashToUInt32(data);
        return [(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc];
    }
}
