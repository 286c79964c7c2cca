using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using StorageOperator.Tls.Tests.Support;

namespace StorageOperator.Tls.Tests;

public sealed class CertificateFolderTests : IDisposable
{
    // Long poll interval: these tests drive reloads explicitly with Reload().
    private static readonly TimeSpan NoPolling = TimeSpan.FromHours(1);

    private readonly TempDirectory _dir = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Dispose();

    private CertificateFolder Open() => new(_dir.Path, _log, NoPolling);

    private X509Certificate2 WriteServer(string relativeDirectory, params string[] hosts)
    {
        var cert = TestCertificates.Server(hosts);
        TestCertificates.WritePair(cert, Path.Combine(_dir.Path, relativeDirectory));
        return cert;
    }

    [Fact]
    public void Missing_folder_means_no_tls()
    {
        using var folder = new CertificateFolder(_dir.Combine("does-not-exist"), _log, NoPolling);

        Assert.False(folder.HasServerCertificate);
        Assert.Null(folder.SelectCertificate(null));
        Assert.Empty(folder.TrustedAuthorities);
    }

    [Fact]
    public void Tls_needs_both_top_level_files()
    {
        using var cert = TestCertificates.Server("localhost");
        File.WriteAllText(_dir.Combine("public.crt"), PemFiles.ExportCertificate(cert));
        using var folder = Open();

        Assert.False(folder.HasServerCertificate);
        Assert.Null(folder.SelectCertificate(null));
    }

    [Fact]
    public void A_single_default_certificate_serves_every_name()
    {
        using var cert = WriteServer(".", "localhost", "127.0.0.1");
        using var folder = Open();

        Assert.True(folder.HasServerCertificate);
        Assert.Equal(cert.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
        Assert.True(folder.SelectCertificate(null)!.HasPrivateKey);
        // MinIO: with exactly one certificate loaded it is used whatever the client asked for.
        Assert.Equal(cert.Thumbprint, folder.SelectCertificate("unrelated.example.org")!.Thumbprint);
        Assert.Equal(_dir.Path, folder.Default!.Directory);
    }

    [Fact]
    public void Sni_selects_by_certificate_names_not_directory_names()
    {
        using var defaultCert = WriteServer(".", "localhost", "127.0.0.1");
        using var a = WriteServer("zzz-not-a-hostname", "a.example.com");
        using var wildcard = WriteServer("b.example.com", "*.b.example.com");
        using var folder = Open();

        Assert.Equal(3, folder.Certificates.Count);
        Assert.Equal(defaultCert.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
        Assert.Equal(defaultCert.Thumbprint, folder.SelectCertificate("")!.Thumbprint);
        Assert.Equal(defaultCert.Thumbprint, folder.SelectCertificate("LOCALHOST.")!.Thumbprint);
        Assert.Equal(a.Thumbprint, folder.SelectCertificate("a.example.com")!.Thumbprint);
        Assert.Equal(a.Thumbprint, folder.SelectCertificate("A.Example.Com")!.Thumbprint);
        Assert.Equal(wildcard.Thumbprint, folder.SelectCertificate("x.b.example.com")!.Thumbprint);
        // A wildcard covers exactly one label, and the directory name means nothing.
        Assert.Null(folder.SelectCertificate("y.x.b.example.com"));
        Assert.Null(folder.SelectCertificate("b.example.com"));
        Assert.Null(folder.SelectCertificate("zzz-not-a-hostname"));
        Assert.Null(folder.SelectCertificate("unknown.example.org"));
    }

    [Fact]
    public void Common_name_is_used_only_without_dns_sans()
    {
        using var defaultCert = WriteServer(".", "localhost");
        using var legacy = CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "legacy.example.com", TimeSpan.FromDays(1));
        TestCertificates.WritePair(legacy, _dir.Combine("legacy"));
        using var folder = Open();

        Assert.Equal(legacy.Thumbprint, folder.SelectCertificate("legacy.example.com")!.Thumbprint);
        Assert.Equal(defaultCert.Thumbprint, folder.SelectCertificate("localhost")!.Thumbprint);
    }

    [Fact]
    public void Cas_directory_contents_become_trusted_authorities()
    {
        using var defaultCert = WriteServer(".", "localhost");
        using var ca2 = CertificateGenerator.CreateCertificateAuthority("Second", TimeSpan.FromDays(1));
        using var ca3 = CertificateGenerator.CreateCertificateAuthority("Third", TimeSpan.FromDays(1));
        Directory.CreateDirectory(_dir.Combine("CAs"));
        File.WriteAllText(_dir.Combine("CAs", "ca.crt"), PemFiles.ExportCertificate(TestCertificates.Ca));
        File.WriteAllText(_dir.Combine("CAs", "bundle.pem"), PemFiles.ExportCertificate(ca2) + PemFiles.ExportCertificate(ca3));
        File.WriteAllText(_dir.Combine("CAs", "notes.txt"), "not pem");
        // A certificate pair inside CAs/ is not a per-domain certificate.
        TestCertificates.WritePair(TestCertificates.Server("inside-cas.example.com"), _dir.Combine("CAs"));
        using var folder = Open();

        var subjects = folder.TrustedAuthorities.Cast<X509Certificate2>().Select(c => c.Subject).ToHashSet();
        Assert.Contains("CN=Tls Tests CA", subjects);
        Assert.Contains("CN=Second", subjects);
        Assert.Contains("CN=Third", subjects);
        Assert.Equal(defaultCert.Thumbprint, Assert.Single(folder.Certificates).Certificate.Thumbprint);
    }

    [Fact]
    public void Only_the_default_certificate_may_carry_ip_sans()
    {
        using var defaultCert = WriteServer(".", "localhost", "127.0.0.1");
        using var withIp = WriteServer("with-ip", "ip.example.com", "10.1.2.3");
        using var plain = WriteServer("plain", "plain.example.com");
        using var folder = Open();

        Assert.Equal(2, folder.Certificates.Count);
        Assert.Null(folder.SelectCertificate("ip.example.com"));
        Assert.Equal(plain.Thumbprint, folder.SelectCertificate("plain.example.com")!.Thumbprint);
        Assert.True(_log.Has(LogLevel.Error, "with-ip"), string.Join("\n", _log.Entries));
    }

    [Fact]
    public void Dot_dot_directories_and_incomplete_pairs_are_ignored()
    {
        using var defaultCert = WriteServer(".", "localhost");
        using var hidden = WriteServer("..data", "hidden.example.com");
        using var half = TestCertificates.Server("half.example.com");
        Directory.CreateDirectory(_dir.Combine("half"));
        File.WriteAllText(_dir.Combine("half", "public.crt"), PemFiles.ExportCertificate(half));
        using var folder = Open();

        Assert.Single(folder.Certificates);
        Assert.Equal(defaultCert.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
    }

    [SkippableFact]
    public void Symlinked_domain_directories_count()
    {
        Skip.If(OperatingSystem.IsWindows(), "symlinks need privileges on Windows");
        using var elsewhere = new TempDirectory();
        using var defaultCert = WriteServer(".", "localhost");
        using var linked = TestCertificates.Server("linked.example.com");
        TestCertificates.WritePair(linked, elsewhere.Path);
        Directory.CreateSymbolicLink(_dir.Combine("linked"), elsewhere.Path);
        using var folder = Open();

        Assert.Equal(linked.Thumbprint, folder.SelectCertificate("linked.example.com")!.Thumbprint);
    }

    [Fact]
    public void Reload_picks_up_changes_and_raises_the_event_only_on_change()
    {
        using var first = WriteServer(".", "localhost");
        using var folder = Open();
        var reloads = 0;
        folder.Reloaded += () => Interlocked.Increment(ref reloads);

        folder.Reload();
        Assert.Equal(0, reloads);

        using var second = WriteServer(".", "localhost");
        folder.Reload();

        Assert.Equal(1, reloads);
        Assert.Equal(second.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
    }

    [Fact]
    public void A_broken_pair_never_replaces_a_working_certificate()
    {
        using var good = WriteServer(".", "localhost");
        using var folder = Open();
        using var next = TestCertificates.Server("localhost");

        // New certificate, old key: the state between two file renames.
        File.WriteAllText(_dir.Combine("public.crt"), PemFiles.ExportCertificate(next));
        folder.Reload();
        Assert.Equal(good.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);

        // Half-written key.
        var key = PemFiles.ExportPrivateKey(next);
        File.WriteAllText(_dir.Combine("private.key"), key[..(key.Length / 2)]);
        folder.Reload();
        Assert.Equal(good.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);

        // Key file briefly missing.
        File.Delete(_dir.Combine("private.key"));
        folder.Reload();
        Assert.Equal(good.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
        Assert.True(_log.Has(LogLevel.Warning, "keeping the previous certificate"), string.Join("\n", _log.Entries));

        File.WriteAllText(_dir.Combine("private.key"), key);
        folder.Reload();
        Assert.Equal(next.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
    }

    [Fact]
    public void Polling_notices_changes_without_an_explicit_reload()
    {
        using var first = WriteServer(".", "localhost");
        using var folder = new CertificateFolder(_dir.Path, _log, TimeSpan.FromMilliseconds(100));
        using var reloaded = new SemaphoreSlim(0);
        folder.Reloaded += () => reloaded.Release();

        using var second = WriteServer(".", "localhost");

        Assert.True(reloaded.Wait(TimeSpan.FromSeconds(30)), "no reload within the deadline");
        Assert.Equal(second.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
    }

    [Fact]
    public void File_events_trigger_a_reload_without_polling()
    {
        using var first = WriteServer(".", "localhost");
        using var folder = Open();
        using var reloaded = new SemaphoreSlim(0);
        folder.Reloaded += () => reloaded.Release();

        using var domain = WriteServer("domain", "domain.example.com");

        Assert.True(reloaded.Wait(TimeSpan.FromSeconds(30)), "no reload within the deadline");
        Assert.Equal(domain.Thumbprint, folder.SelectCertificate("domain.example.com")!.Thumbprint);
    }

    [Fact]
    public void A_folder_created_after_start_is_picked_up_by_polling()
    {
        var late = _dir.Combine("late");
        using var folder = new CertificateFolder(late, _log, TimeSpan.FromMilliseconds(100));
        using var reloaded = new SemaphoreSlim(0);
        folder.Reloaded += () => reloaded.Release();
        Assert.Null(folder.SelectCertificate(null));

        using var cert = TestCertificates.Server("localhost");
        TestCertificates.WritePair(cert, late);

        Assert.True(reloaded.Wait(TimeSpan.FromSeconds(30)), "no reload within the deadline");
        Assert.Equal(cert.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
    }
}
