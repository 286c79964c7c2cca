using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using StorageOperator.KeyServer.Tests.Infrastructure;
using StorageOperator.Tls;

namespace StorageOperator.KeyServer.Tests.Hosting;

public sealed class CertificateRotationTests
{
    [Fact]
    public async Task A_rewritten_server_certificate_is_served_to_new_connections_without_a_restart()
    {
        var pki = TestPki.Instance;
        var dir = Path.Combine(Path.GetTempPath(), "key-server-rotate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var certPath = Path.Combine(dir, "server.cert");
        var keyPath = Path.Combine(dir, "server.key");
        using var first = CertificateGenerator.CreateServerCertificate(pki.Ca, ["127.0.0.1"], TimeSpan.FromHours(1));
        PemFiles.WriteCertificateAndKey(first, certPath, keyPath);
        var yaml = ConfigYaml.Build().Replace(pki.ServerCertPath, certPath, StringComparison.Ordinal).Replace(pki.ServerKeyPath, keyPath, StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync(yaml);
        Assert.Equal(first.Thumbprint, await ServedThumbprint(server.Address.Port));

        using var second = CertificateGenerator.CreateServerCertificate(pki.Ca, ["127.0.0.1"], TimeSpan.FromHours(1));
        PemFiles.WriteCertificateAndKey(second, certPath, keyPath);
        Assert.True(await Eventually.TrueAsync(async () => await ServedThumbprint(server.Address.Port) == second.Thumbprint));
        await (await server.App().Send("GET", "/v1/status")).AssertOk();
        Directory.Delete(dir, recursive: true);
    }

    private static async Task<string?> ServedThumbprint(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [TestPki.Instance.App],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => TestPki.Instance.App,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return ssl.RemoteCertificate is { } c ? new System.Security.Cryptography.X509Certificates.X509Certificate2(c).Thumbprint : null;
    }
}
