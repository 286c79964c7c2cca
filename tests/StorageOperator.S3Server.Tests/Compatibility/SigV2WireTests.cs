using System.Globalization;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>
/// Signature Version 2 through the whole server. boto3's generate_presigned_url and the aws CLI v1's
/// <c>s3 presign</c> produce SigV2 URLs by default; these used to be refused with InvalidRequest.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SigV2WireTests(S3ServerFixture server)
{
    private string Host => $"127.0.0.1:{server.Endpoint.Port}";

    private static string Sign(string stringToSign) => SigV2Verifier.Sign(S3ServerFixture.SecretKey, stringToSign);

    private async Task<string> PutAsync(string bucket, string rawKey, string body)
    {
        using var raw = server.CreateRawClient();
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/{rawKey}", body: System.Text.Encoding.UTF8.GetBytes(body));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return rawKey;
    }

    [Fact]
    public async Task Presigned_v2_get_works_until_it_expires_and_not_when_altered()
    {
        var bucket = await server.CreateBucketAsync("v2q");
        var key = await PutAsync(bucket, "dir/%C3%BC%2Bx%25.txt", "presigned v2");
        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Uri.EscapeDataString(Sign($"GET\n\n\n{expires}\n/{bucket}/{key}"));
        var url = $"/{bucket}/{key}?AWSAccessKeyId={S3ServerFixture.AccessKey}&Expires={expires}&Signature={signature}";

        var ok = await RawHttp.SendAsync(server.Endpoint, server.Certificates, $"GET {url} HTTP/1.1", [new("Host", Host)]);
        Assert.True(ok.Status == 200, ok.Text);
        Assert.Equal("presigned v2", ok.Text);

        var altered = await RawHttp.SendAsync(server.Endpoint, server.Certificates, $"GET {url.Replace("Expires=", "Expires=1", StringComparison.Ordinal)} HTTP/1.1", [new("Host", Host)]);
        Assert.Equal(403, altered.Status);
        Assert.Equal("SignatureDoesNotMatch", altered.ErrorCode);

        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var expiredUrl = $"/{bucket}/{key}?AWSAccessKeyId={S3ServerFixture.AccessKey}&Expires={past}&Signature={Uri.EscapeDataString(Sign($"GET\n\n\n{past}\n/{bucket}/{key}"))}";
        var expired = await RawHttp.SendAsync(server.Endpoint, server.Certificates, $"GET {expiredUrl} HTTP/1.1", [new("Host", Host)]);
        Assert.Equal(403, expired.Status);
        Assert.Equal("AccessDenied", expired.ErrorCode);
    }

    [Fact]
    public async Task Header_v2_put_and_virtual_host_get()
    {
        var bucket = await server.CreateBucketAsync("v2h");
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        var body = "header v2"u8.ToArray();
        var put = await RawHttp.SendAsync(server.Endpoint, server.Certificates, $"PUT /{bucket}/a%20b.txt HTTP/1.1",
        [
            new("Host", Host),
            new("Date", date),
            new("Content-Type", "text/plain"),
            new("x-amz-meta-note", "v2"),
            new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
            new("Authorization", $"AWS {S3ServerFixture.AccessKey}:{Sign($"PUT\n\ntext/plain\n{date}\nx-amz-meta-note:v2\n/{bucket}/a%20b.txt")}"),
        ], body);
        Assert.True(put.Status == 200, put.Text);

        // virtual-host style signs "/bucket" + path
        var get = await RawHttp.SendAsync(server.Endpoint, server.Certificates, "GET /a%20b.txt HTTP/1.1",
        [
            new("Host", $"{bucket}.{S3ServerFixture.Domain}:{server.Endpoint.Port}"),
            new("Date", date),
            new("Authorization", $"AWS {S3ServerFixture.AccessKey}:{Sign($"GET\n\n\n{date}\n/{bucket}/a%20b.txt")}"),
        ]);
        Assert.True(get.Status == 200, get.Text);
        Assert.Equal("header v2", get.Text);
        Assert.Equal("v2", get.Headers["x-amz-meta-note"]);

        var wrongSecret = await RawHttp.SendAsync(server.Endpoint, server.Certificates, $"GET /{bucket}/a%20b.txt HTTP/1.1",
        [
            new("Host", Host),
            new("Date", date),
            new("Authorization", $"AWS {S3ServerFixture.AccessKey}:{SigV2Verifier.Sign("not-the-secret", $"GET\n\n\n{date}\n/{bucket}/a%20b.txt")}"),
        ]);
        Assert.Equal(403, wrongSecret.Status);
        Assert.Equal("SignatureDoesNotMatch", wrongSecret.ErrorCode);
    }
}
