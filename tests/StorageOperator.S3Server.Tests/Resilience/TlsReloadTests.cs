using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Resilience;

/// <summary>Swapping certificate files under a running server: new connections get the new certificate, no restart.</summary>
public sealed class TlsReloadTests
{
    [Fact]
    public async Task New_connections_see_a_swapped_certificate_including_a_kubernetes_style_symlink_swap()
    {
        using var root = new TempDirectory("tls");
        using var ca = new TestCertificates();
        var certs = Path.Combine(root.Path, "certs");
        var first = ca.IssueServerCertificate(Path.Combine(root.Path, "v1"), "127.0.0.1", "localhost");

        // Kubernetes mounts a Secret as symlinks: public.crt -> ..data/public.crt, ..data -> ..2024_xx (swapped atomically)
        Directory.CreateDirectory(certs);
        Directory.CreateSymbolicLink(Path.Combine(certs, "..v1"), Path.Combine(root.Path, "v1"));
        File.CreateSymbolicLink(Path.Combine(certs, "..data"), Path.Combine(certs, "..v1"));
        File.CreateSymbolicLink(Path.Combine(certs, "public.crt"), Path.Combine("..data", "public.crt"));
        File.CreateSymbolicLink(Path.Combine(certs, "private.key"), Path.Combine("..data", "private.key"));

        await using var app = S3ServerFixture.Start(root.Sub("data"), certs, TimeSpan.FromMilliseconds(200));
        await app.StartAsync();
        var endpoint = S3ServerFixture.ServerUri(app);
        Assert.Equal("https", endpoint.Scheme);
        Assert.Equal(first.Thumbprint, (await PresentedCertificateAsync(endpoint, ca)).Thumbprint);

        // the kubelet's atomic swap: a new ..data symlink renamed over the old one
        var second = ca.IssueServerCertificate(Path.Combine(root.Path, "v2"), "127.0.0.1", "localhost");
        Directory.CreateSymbolicLink(Path.Combine(certs, "..v2"), Path.Combine(root.Path, "v2"));
        var swap = Path.Combine(certs, "..data.tmp");
        File.CreateSymbolicLink(swap, Path.Combine(certs, "..v2"));
        var mv = await ProcessRunner.RunAsync("mv", ["-T", swap, Path.Combine(certs, "..data")]); // rename(2), as the kubelet does
        Assert.True(mv.ExitCode == 0, mv.ToString());

        await Eventually.TrueAsync(async () => (await PresentedCertificateAsync(endpoint, ca)).Thumbprint == second.Thumbprint,
            TimeSpan.FromSeconds(20), "the swapped certificate to be served");

        using var raw = new RawS3Client(ca.CreateHttpClient(), endpoint, new StorageOperator.S3.Protocol.Auth.SigV4Signer(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey));
        using var response = await raw.SendAsync(HttpMethod.Get, "/");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Without_certificates_the_server_speaks_plain_http()
    {
        using var root = new TempDirectory("plain");
        await using var app = S3ServerFixture.Start(root.Sub("data"), root.Sub("certs"));
        await app.StartAsync();
        var endpoint = S3ServerFixture.ServerUri(app);
        Assert.Equal("http", endpoint.Scheme);
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(endpoint, "/minio/health/live"));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        await app.StopAsync();
    }

    private static async Task<X509Certificate2> PresentedCertificateAsync(Uri endpoint, TestCertificates ca)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, cert, _, _) => ca.Validate(cert));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        Assert.True(tls.SslProtocol >= System.Security.Authentication.SslProtocols.Tls12);
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
