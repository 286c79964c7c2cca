using System.Net;
using Amazon.S3;
using Microsoft.Extensions.Logging;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.Storage.S3Gateway;
using StorageOperator.TestCommon;
using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>
/// A replica whose backend endpoint has nothing listening (no Ceph needed): it starts anyway, is live but not
/// ready, and answers S3 requests with 503 + Retry-After instead of hanging or failing with 500.
/// </summary>
public sealed class UnreachableBackendTests
{
    [Fact]
    public async Task A_replica_with_an_unreachable_backend_is_live_not_ready_and_answers_503_with_Retry_After()
    {
        using var root = new TempDirectory("gateway-down");
        var options = new S3ServerOptions("", new IPEndPoint(IPAddress.Loopback, 0), root.Sub("certs"),
            new Credentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey))
        {
            Gateway = new S3GatewayOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{RgwFixture.FreePort()}/"),
                AccessKey = "a",
                SecretKey = "b",
                MaxRetries = 0,
                ConnectTimeout = TimeSpan.FromSeconds(2),
            },
        };
        await using var app = S3ServerHost.Build(options, configureLogging: l => l.SetMinimumLevel(LogLevel.Error));
        await app.StartAsync();
        var endpoint = S3ServerFixture.ServerUri(app);
        using var raw = new RawS3Client(new HttpClient(), endpoint, new SigV4Signer(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey));

        using var ready = await raw.SendUnsignedAsync(HttpMethod.Get, "/minio/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotNull(ready.Headers.RetryAfter);
        using var live = await raw.SendUnsignedAsync(HttpMethod.Head, "/minio/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var requests = new (HttpMethod Method, string Path, byte[]? Body)[]
        {
            (HttpMethod.Get, "/", null), (HttpMethod.Put, "/bucket", null), (HttpMethod.Put, "/bucket/key", [1, 2, 3]), (HttpMethod.Get, "/bucket/key", null),
        };
        foreach (var (method, path, body) in requests)
        {
            using var response = await raw.SendAsync(method, path, body: body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            var (code, _, _) = await RawS3Client.ReadErrorAsync(response);
            Assert.Equal("ServiceUnavailable", code);
        }

        // SDKs see a retryable 503
        using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey),
            new AmazonS3Config { ServiceURL = endpoint.ToString().TrimEnd('/'), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }
}
