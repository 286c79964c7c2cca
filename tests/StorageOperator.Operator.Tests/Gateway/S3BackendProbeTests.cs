using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>The real backend probe (AWSSDK, SigV4) against a real storage-server process as the backend.</summary>
public sealed class S3BackendProbeTests(ITestOutputHelper output)
{
    private static BackendProbeRequest Request(Uri endpoint, string? bucket = null, string accessKey = BackendServer.AccessKey, string secretKey = BackendServer.SecretKey) =>
        new(endpoint, "us-east-1", true, accessKey, secretKey, bucket, bucket is null ? null : "stores/", null);

    [Fact]
    public async Task Reachable_auth_failure_missing_bucket_and_unreachable_are_told_apart()
    {
        await using var backend = await BackendServer.StartAsync(output);
        using (var s3 = backend.Client())
        {
            await s3.PutBucketAsync("shared");
        }
        var probe = new S3BackendProbe();

        var listBuckets = await probe.CheckAsync(Request(backend.Endpoint), CancellationToken.None);
        Assert.Equal((true, BackendProbeResult.ReasonReachable), (listBuckets.Success, listBuckets.Reason));

        var prefixMode = await probe.CheckAsync(Request(backend.Endpoint, "shared"), CancellationToken.None);
        Assert.Equal((true, BackendProbeResult.ReasonReachable), (prefixMode.Success, prefixMode.Reason));
        Assert.Contains("shared", prefixMode.Message);

        var missing = await probe.CheckAsync(Request(backend.Endpoint, "no-such-bucket"), CancellationToken.None);
        Assert.Equal((false, BackendProbeResult.ReasonBucketMissing), (missing.Success, missing.Reason));
        Assert.Contains("no-such-bucket", missing.Message);

        var wrongSecret = await probe.CheckAsync(Request(backend.Endpoint, "shared", secretKey: "not-the-secret-key"), CancellationToken.None);
        Assert.Equal((false, BackendProbeResult.ReasonAuthFailed), (wrongSecret.Success, wrongSecret.Reason));
        Assert.DoesNotContain("not-the-secret-key", wrongSecret.Message);

        var unknownKey = await probe.CheckAsync(Request(backend.Endpoint, accessKey: "NOBODY"), CancellationToken.None);
        Assert.Equal((false, BackendProbeResult.ReasonAuthFailed), (unknownKey.Success, unknownKey.Reason));

        var closed = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}");
        var down = await probe.CheckAsync(Request(closed, "shared"), CancellationToken.None);
        Assert.Equal((false, BackendProbeResult.ReasonUnreachable), (down.Success, down.Reason));
    }

    [Fact]
    public async Task With_a_CA_bundle_only_that_CA_is_trusted_and_the_host_name_is_checked()
    {
        // A TLS listener presenting a certificate for "backend.test" signed by our CA and answering one
        // ListBuckets: the cases differ only in whether the client accepts the handshake.
        using var ca = CertificateGenerator.CreateCertificateAuthority("probe-ca", TimeSpan.FromDays(1));
        using var other = CertificateGenerator.CreateCertificateAuthority("other-ca", TimeSpan.FromDays(1));
        using var leaf = CertificateGenerator.CreateServerCertificate(ca, ["backend.test"], TimeSpan.FromDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                await using var ssl = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: false));
                try
                {
                    await ssl.AuthenticateAsServerAsync(leaf);
                    // Answer like S3 would to ListBuckets, so a trusted handshake ends in success.
                    var buffer = new byte[8192];
                    _ = await ssl.ReadAsync(buffer, stop.Token);
                    var body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult><Owner><ID>x</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>";
                    await ssl.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), stop.Token);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                }
            }
        });
        var probe = new S3BackendProbe((_, _) => new IPEndPoint(IPAddress.Loopback, port));
        BackendProbeRequest Tls(string host, X509Certificate2 trust) =>
            new(new Uri($"https://{host}:{port}"), "us-east-1", true, "AK", "SK", null, null, [trust]);

        var trusted = await probe.CheckAsync(Tls("backend.test", ca), CancellationToken.None);
        Assert.Equal((true, BackendProbeResult.ReasonReachable), (trusted.Success, trusted.Reason));

        var untrusted = await probe.CheckAsync(Tls("backend.test", other), CancellationToken.None);
        Assert.Equal((false, BackendProbeResult.ReasonUnreachable), (untrusted.Success, untrusted.Reason));

        var wrongName = await probe.CheckAsync(Tls("elsewhere.test", ca), CancellationToken.None);
        Assert.Equal((false, BackendProbeResult.ReasonUnreachable), (wrongName.Success, wrongName.Reason));

        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await server; // ends by itself when it sees the cancellation between connections
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
