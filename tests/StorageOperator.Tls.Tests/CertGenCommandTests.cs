using System.Security.Cryptography.X509Certificates;
using StorageOperator.Tls.Tests.Support;

namespace StorageOperator.Tls.Tests;

public sealed class CertGenCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CertGenCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void With_ca_writes_a_leaf_signed_by_a_ca_in_the_cas_folder()
    {
        var (exit, stdout, stderr) = Run("--ca", "--host", "127.0.0.1,localhost", "--out", _dir.Path, "--client", "storage-server", "--days", "30");

        Assert.True(exit == 0, stderr);
        using var ca = PemFiles.LoadCertificateWithKey(_dir.Combine("CAs", "ca.crt"), _dir.Combine("ca.key"));
        using var leaf = PemFiles.LoadCertificateWithKey(_dir.Combine("public.crt"), _dir.Combine("private.key"));
        using var client = PemFiles.LoadCertificateWithKey(_dir.Combine("client.crt"), _dir.Combine("client.key"));
        Assert.True(leaf.MatchesHostname("127.0.0.1"));
        Assert.True(leaf.MatchesHostname("localhost"));
        Assert.InRange(leaf.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
        Assert.True(TestCertificates.Verify(leaf, ca, TestCertificates.ServerAuth).Valid);
        Assert.True(TestCertificates.Verify(client, ca, TestCertificates.ClientAuth).Valid);
        Assert.Equal("CN=storage-server", client.Subject);
        Assert.Contains($"client identity: {CertificateIdentity.Compute(client)}", stdout, StringComparison.Ordinal);
        Assert.Contains(_dir.Combine("public.crt"), stdout, StringComparison.Ordinal);

        // The output is a certs folder the servers load as-is, with the CA trusted.
        using var folder = new CertificateFolder(_dir.Path, pollInterval: TimeSpan.FromHours(1));
        Assert.Equal(leaf.Thumbprint, folder.SelectCertificate(null)!.Thumbprint);
        Assert.Equal(ca.Thumbprint, Assert.Single(folder.TrustedAuthorities).Thumbprint);
    }

    [SkippableFact]
    public async Task Openssl_verifies_the_generated_chain()
    {
        Skip.IfNot(ProcessRunner.Exists("openssl"), "openssl not installed");
        Assert.Equal(0, Run("--ca", "--host", "127.0.0.1,localhost", "--out", _dir.Path, "--client", "kes-client").Exit);

        var server = await ProcessRunner.RunAsync("openssl", _dir.Path, "verify", "-CAfile", "CAs/ca.crt", "-purpose", "sslserver", "public.crt");
        var client = await ProcessRunner.RunAsync("openssl", _dir.Path, "verify", "-CAfile", "CAs/ca.crt", "-purpose", "sslclient", "client.crt");
        var wrongPurpose = await ProcessRunner.RunAsync("openssl", _dir.Path, "verify", "-CAfile", "CAs/ca.crt", "-purpose", "sslclient", "public.crt");
        var keyCheck = await ProcessRunner.RunAsync("openssl", _dir.Path, "pkey", "-in", "private.key", "-noout");

        Assert.True(server.ExitCode == 0, server.Output);
        Assert.Contains("public.crt: OK", server.Output, StringComparison.Ordinal);
        Assert.True(client.ExitCode == 0, client.Output);
        Assert.NotEqual(0, wrongPurpose.ExitCode);
        Assert.True(keyCheck.ExitCode == 0, keyCheck.Output);
    }

    [SkippableFact]
    public async Task Without_ca_writes_a_self_signed_leaf()
    {
        var (exit, _, stderr) = Run("--host", "localhost,10.0.0.7", "--out", _dir.Path);

        Assert.True(exit == 0, stderr);
        Assert.False(Directory.Exists(_dir.Combine("CAs")));
        Assert.False(File.Exists(_dir.Combine("ca.key")));
        using var leaf = PemFiles.LoadCertificateWithKey(_dir.Combine("public.crt"), _dir.Combine("private.key"));
        Assert.Equal(leaf.SubjectName.RawData, leaf.IssuerName.RawData);
        Assert.True(leaf.MatchesHostname("10.0.0.7"));
        Skip.IfNot(ProcessRunner.Exists("openssl"), "openssl not installed");
        var verify = await ProcessRunner.RunAsync("openssl", _dir.Path, "verify", "-CAfile", "public.crt", "public.crt");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public void An_existing_ca_is_reused()
    {
        Assert.Equal(0, Run("--ca", "--host", "localhost", "--out", _dir.Path).Exit);
        var caBytes = File.ReadAllBytes(_dir.Combine("CAs", "ca.crt"));
        var firstLeaf = File.ReadAllBytes(_dir.Combine("public.crt"));

        var (exit, stdout, stderr) = Run("--ca", "--host", "other.example.com", "--out", _dir.Path);

        Assert.True(exit == 0, stderr);
        Assert.Contains("reusing CA", stdout, StringComparison.Ordinal);
        Assert.Equal(caBytes, File.ReadAllBytes(_dir.Combine("CAs", "ca.crt")));
        Assert.NotEqual(firstLeaf, File.ReadAllBytes(_dir.Combine("public.crt")));
        using var ca = X509CertificateLoader.LoadCertificate(PemFiles.LoadCertificates(_dir.Combine("CAs", "ca.crt"))[0].RawData);
        using var leaf = PemFiles.LoadCertificateWithKey(_dir.Combine("public.crt"), _dir.Combine("private.key"));
        Assert.True(leaf.MatchesHostname("other.example.com"));
        Assert.True(TestCertificates.Verify(leaf, ca, TestCertificates.ServerAuth).Valid);
    }

    [Fact]
    public void A_ca_certificate_without_its_key_is_not_overwritten()
    {
        Assert.Equal(0, Run("--ca", "--host", "localhost", "--out", _dir.Path).Exit);
        File.Delete(_dir.Combine("ca.key"));
        var caBytes = File.ReadAllBytes(_dir.Combine("CAs", "ca.crt"));

        var (exit, _, stderr) = Run("--ca", "--host", "localhost", "--out", _dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("refusing", stderr, StringComparison.Ordinal);
        Assert.Equal(caBytes, File.ReadAllBytes(_dir.Combine("CAs", "ca.crt")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--ca")]
    [InlineData("--client name")]
    [InlineData("--host localhost --days abc")]
    [InlineData("--host localhost --days 0")]
    [InlineData("--host localhost --bogus")]
    [InlineData("--host localhost --ca-key x.key")]
    public void Bad_arguments_print_usage_and_exit_2(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var (exit, stdout, stderr) = Run([.. args, "--out", _dir.Path]);

        Assert.Equal(2, exit);
        Assert.Contains("usage: certgen", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void A_flag_missing_its_value_is_a_usage_error()
    {
        var (exit, _, stderr) = Run("--out", _dir.Path, "--host");

        Assert.Equal(2, exit);
        Assert.Contains("--host needs a value", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_prints_usage_and_succeeds()
    {
        var (exit, stdout, _) = Run("--help");

        Assert.Equal(0, exit);
        Assert.Contains("usage: certgen", stdout, StringComparison.Ordinal);
    }
}
