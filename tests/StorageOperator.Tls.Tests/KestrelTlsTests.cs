using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using StorageOperator.Tls.Tests.Support;

namespace StorageOperator.Tls.Tests;

/// <summary>A real Kestrel listener on 127.0.0.1:0 with <see cref="KestrelTlsExtensions.UseCertificateFolder"/>.</summary>
public sealed class KestrelTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private X509Certificate2 WriteServer(string relativeDirectory, params string[] hosts)
    {
        var cert = TestCertificates.Server(hosts);
        TestCertificates.WritePair(cert, Path.Combine(_dir.Path, relativeDirectory));
        return cert;
    }

    [Fact]
    public async Task Serves_the_default_certificate_and_sni_picks_the_domain_certificate()
    {
        using var defaultCert = WriteServer(".", "localhost", "127.0.0.1");
        using var a = WriteServer("a", "a.example.com");
        using var b = WriteServer("b", "*.b.example.com");
        using var folder = new CertificateFolder(_dir.Path);
        await using var server = await TlsTestServer.StartAsync(folder);

        Assert.Equal(defaultCert.Thumbprint, (await server.HandshakeAsync("127.0.0.1")).Certificate.Thumbprint);
        Assert.Equal(defaultCert.Thumbprint, (await server.HandshakeAsync("localhost")).Certificate.Thumbprint);
        Assert.Equal(a.Thumbprint, (await server.HandshakeAsync("a.example.com")).Certificate.Thumbprint);
        Assert.Equal(b.Thumbprint, (await server.HandshakeAsync("x.b.example.com")).Certificate.Thumbprint);
        // Nothing matches: the handshake fails rather than presenting an unrelated certificate.
        await Assert.ThrowsAnyAsync<Exception>(() => server.HandshakeAsync("nobody.example.org"));

        using var http = server.CreateClient(TestCertificates.Ca);
        Assert.Equal("anonymous", await http.GetStringAsync("/"));
    }

    [Fact]
    public async Task Replacing_the_files_serves_the_new_certificate_on_new_connections()
    {
        using var first = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path, pollInterval: TimeSpan.FromMilliseconds(200));
        await using var server = await TlsTestServer.StartAsync(folder);
        Assert.Equal(first.Thumbprint, (await server.HandshakeAsync()).Certificate.Thumbprint);

        using var second = WriteServer(".", "localhost", "127.0.0.1");

        await Eventually.TrueAsync(
            async () => (await server.HandshakeAsync()).Certificate.Thumbprint == second.Thumbprint,
            "the server presents the replaced certificate");
    }

    [SkippableFact]
    public async Task Kubernetes_style_data_symlink_swap_is_picked_up()
    {
        Skip.If(OperatingSystem.IsWindows(), "symlink swap is a POSIX mount layout");
        using var first = TestCertificates.Server("localhost", "127.0.0.1");
        using var second = TestCertificates.Server("localhost", "127.0.0.1");
        // The layout kubelet's atomic writer produces for a Secret volume.
        TestCertificates.WritePair(first, _dir.Combine("..2026_11_27_08_00_00.000000001"));
        File.CreateSymbolicLink(_dir.Combine("..data"), "..2026_11_27_08_00_00.000000001");
        File.CreateSymbolicLink(_dir.Combine("public.crt"), "..data/public.crt");
        File.CreateSymbolicLink(_dir.Combine("private.key"), "..data/private.key");
        using var folder = new CertificateFolder(_dir.Path, pollInterval: TimeSpan.FromMilliseconds(200));
        await using var server = await TlsTestServer.StartAsync(folder);
        Assert.Equal(first.Thumbprint, (await server.HandshakeAsync()).Certificate.Thumbprint);

        TestCertificates.WritePair(second, _dir.Combine("..2026_11_27_08_05_00.000000002"));
        File.CreateSymbolicLink(_dir.Combine("..data_tmp"), "..2026_11_27_08_05_00.000000002");
        var (exit, output) = await ProcessRunner.RunAsync("mv", _dir.Path, "-T", "..data_tmp", "..data");
        Assert.True(exit == 0, output);
        Directory.Delete(_dir.Combine("..2026_11_27_08_00_00.000000001"), recursive: true);

        await Eventually.TrueAsync(
            async () => (await server.HandshakeAsync()).Certificate.Thumbprint == second.Thumbprint,
            "the server presents the certificate behind the swapped ..data link");
    }

    [Fact]
    public async Task Negotiates_tls_12_and_13_only()
    {
        using var cert = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path);
        await using var server = await TlsTestServer.StartAsync(folder);

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, KestrelTlsExtensions.EnabledProtocols);
        Assert.Equal(SslProtocols.Tls12, (await server.HandshakeAsync(protocols: SslProtocols.Tls12)).Protocol);
        Assert.Equal(SslProtocols.Tls13, (await server.HandshakeAsync(protocols: SslProtocols.Tls13)).Protocol);
        Assert.Equal(SslProtocols.Tls13, (await server.HandshakeAsync()).Protocol);
    }

    [SkippableFact]
    public async Task Tls_11_and_10_are_refused_by_the_server()
    {
        Skip.IfNot(ProcessRunner.Exists("openssl"), "openssl not installed");
        using var cert = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path);
        await using var server = await TlsTestServer.StartAsync(folder);

        foreach (var version in new[] { "-tls1_1", "-tls1" })
        {
            // SECLEVEL=0 lets the local OpenSSL client offer the old version at all; the refusal must come from the server.
            var (exit, output) = await ProcessRunner.RunAsync(
                "openssl", _dir.Path, "s_client", "-connect", $"127.0.0.1:{server.Port}", version, "-cipher", "DEFAULT:@SECLEVEL=0");
            Skip.If(
                output.Contains("no protocols available", StringComparison.OrdinalIgnoreCase),
                $"the local OpenSSL cannot offer {version}");
            Assert.NotEqual(0, exit);
            Assert.Contains("alert protocol version", output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_half_written_key_keeps_serving_the_old_certificate()
    {
        using var good = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path, pollInterval: TimeSpan.FromMilliseconds(100));
        await using var server = await TlsTestServer.StartAsync(folder);
        using var next = TestCertificates.Server("localhost", "127.0.0.1");
        var key = PemFiles.ExportPrivateKey(next);

        File.WriteAllText(_dir.Combine("public.crt"), PemFiles.ExportCertificate(next));
        File.WriteAllText(_dir.Combine("private.key"), key[..(key.Length / 2)]);
        folder.Reload();

        Assert.Equal(good.Thumbprint, (await server.HandshakeAsync()).Certificate.Thumbprint);
        using var http = server.CreateClient(TestCertificates.Ca);
        Assert.Equal("anonymous", await http.GetStringAsync("/"));

        File.WriteAllText(_dir.Combine("private.key"), key);
        await Eventually.TrueAsync(
            async () => (await server.HandshakeAsync()).Certificate.Thumbprint == next.Thumbprint,
            "the completed pair is served");
    }

    [Fact]
    public async Task Required_client_certificate_rejects_anonymous_clients_and_accepts_any_certificate()
    {
        using var cert = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path);
        await using var server = await TlsTestServer.StartAsync(folder, ClientCertificateMode.RequireCertificate);
        // Self-signed and not in any trust store: identity pinning happens in the application.
        using var client = CertificateGenerator.CreateSelfSignedClientCertificate("kes-client", TimeSpan.FromDays(1));

        using (var anonymous = server.CreateClient(TestCertificates.Ca))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetStringAsync("/"));
        }

        using var authenticated = server.CreateClient(TestCertificates.Ca, client);
        Assert.Equal(CertificateIdentity.Compute(client), await authenticated.GetStringAsync("/"));
    }

    [Fact]
    public async Task Client_certificate_validation_hook_can_veto_a_certificate()
    {
        using var cert = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path);
        using var allowed = CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "allowed", TimeSpan.FromDays(1));
        using var denied = CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "denied", TimeSpan.FromDays(1));
        await using var server = await TlsTestServer.StartAsync(
            folder, ClientCertificateMode.RequireCertificate, (presented, _, _) => presented.Thumbprint == allowed.Thumbprint);

        using var ok = server.CreateClient(TestCertificates.Ca, allowed);
        Assert.Equal(CertificateIdentity.Compute(allowed), await ok.GetStringAsync("/"));
        using var vetoed = server.CreateClient(TestCertificates.Ca, denied);
        await Assert.ThrowsAsync<HttpRequestException>(() => vetoed.GetStringAsync("/"));
    }

    [Fact]
    public async Task Optional_client_certificate_allows_both()
    {
        using var cert = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = new CertificateFolder(_dir.Path);
        await using var server = await TlsTestServer.StartAsync(folder, ClientCertificateMode.AllowCertificate);
        using var client = CertificateGenerator.CreateSelfSignedClientCertificate("optional", TimeSpan.FromDays(1));

        using var anonymous = server.CreateClient(TestCertificates.Ca);
        Assert.Equal("anonymous", await anonymous.GetStringAsync("/"));
        using var authenticated = server.CreateClient(TestCertificates.Ca, client);
        Assert.Equal(CertificateIdentity.Compute(client), await authenticated.GetStringAsync("/"));
    }

    [Fact]
    public void Delayed_client_certificates_are_not_supported()
    {
        using var folder = new CertificateFolder(_dir.Path);
        var kestrel = new Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions();
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? listen = null;
        kestrel.Listen(IPAddress.Loopback, 0, l => listen = l);

        Assert.Throws<NotSupportedException>(() => listen!.UseCertificateFolder(folder, ClientCertificateMode.DelayCertificate));
    }
}
