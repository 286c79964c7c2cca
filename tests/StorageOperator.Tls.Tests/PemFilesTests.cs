using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Tls.Tests.Support;

namespace StorageOperator.Tls.Tests;

public sealed class PemFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Exports_pem_certificate_and_pkcs8_key()
    {
        using var leaf = TestCertificates.Server("localhost");

        var certPem = PemFiles.ExportCertificate(leaf);
        var keyPem = PemFiles.ExportPrivateKey(leaf);

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", certPem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", keyPem, StringComparison.Ordinal);
        Assert.Equal(leaf.RawData, X509Certificate2.CreateFromPem(certPem).RawData);
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        Assert.Equal(leaf.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Write_then_load_round_trips_leaf_key_and_chain()
    {
        using var leaf = TestCertificates.Server("localhost");
        var certPath = _dir.Combine("public.crt");
        var keyPath = _dir.Combine("private.key");

        PemFiles.WriteCertificateAndKey(leaf, certPath, keyPath, [TestCertificates.Ca]);
        using var loaded = PemFiles.LoadCertificateWithKey(certPath, keyPath, out var chain);

        Assert.Equal(leaf.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(TestCertificates.Ca.Thumbprint, Assert.Single(chain).Thumbprint);
        Assert.Equal(2, PemFiles.LoadCertificates(certPath).Count);
        // Only the two files: the temporary files used for the atomic replace are gone.
        Assert.Equal("private.key,public.crt", string.Join(",", Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order()));
        // The loaded key signs what the certificate's public key verifies.
        using var priv = loaded.GetECDsaPrivateKey()!;
        using var pub = leaf.GetECDsaPublicKey()!;
        var signature = priv.SignData("hello"u8, HashAlgorithmName.SHA256);
        Assert.True(pub.VerifyData("hello"u8, signature, HashAlgorithmName.SHA256));
    }

    [SkippableFact]
    public void Key_file_is_private_to_the_owner()
    {
        Skip.If(OperatingSystem.IsWindows(), "POSIX file modes only");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var leaf = TestCertificates.Server("localhost");

        PemFiles.WriteCertificateAndKey(leaf, _dir.Combine("a", "public.crt"), _dir.Combine("a", "private.key"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine("a", "private.key")));
        Assert.False(File.GetUnixFileMode(_dir.Combine("a", "public.crt")).HasFlag(UnixFileMode.OtherWrite));
    }

    [Fact]
    public void Overwriting_replaces_both_files()
    {
        using var first = TestCertificates.Server("first");
        using var second = TestCertificates.Server("second");
        TestCertificates.WritePair(first, _dir.Path);

        TestCertificates.WritePair(second, _dir.Path);

        using var loaded = PemFiles.LoadCertificateWithKey(_dir.Combine("public.crt"), _dir.Combine("private.key"));
        Assert.Equal(second.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void Loads_pkcs1_rsa_and_sec1_ec_keys()
    {
        using var rsa = RSA.Create(2048);
        var rsaRequest = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var rsaCert = rsaRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var ecCert = new CertificateRequest("CN=ec", ec, HashAlgorithmName.SHA384)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var rsaKeyPem = rsa.ExportRSAPrivateKeyPem();
        var ecKeyPem = ec.ExportECPrivateKeyPem();
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", rsaKeyPem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", ecKeyPem, StringComparison.Ordinal);

        using var loadedRsa = PemFiles.ParseCertificateWithKey(rsaCert.ExportCertificatePem(), rsaKeyPem, out _);
        using var loadedEc = PemFiles.ParseCertificateWithKey(ecCert.ExportCertificatePem(), ecKeyPem, out _);

        Assert.NotNull(loadedRsa.GetRSAPrivateKey());
        Assert.NotNull(loadedEc.GetECDsaPrivateKey());
        Assert.Equal(rsaCert.Thumbprint, loadedRsa.Thumbprint);
    }

    [SkippableFact]
    public async Task Loads_an_openssl_generated_ec_key_with_parameters_block()
    {
        Skip.IfNot(ProcessRunner.Exists("openssl"), "openssl not installed");
        var (paramExit, paramOut) = await ProcessRunner.RunAsync("openssl", _dir.Path, "ecparam", "-name", "prime256v1", "-genkey", "-out", "private.key");
        Assert.True(paramExit == 0, paramOut);
        var (reqExit, reqOut) = await ProcessRunner.RunAsync(
            "openssl", _dir.Path, "req", "-new", "-x509", "-key", "private.key", "-out", "public.crt", "-days", "1", "-subj", "/CN=openssl.example");
        Assert.True(reqExit == 0, reqOut);
        Assert.Contains("-----BEGIN EC PARAMETERS-----", File.ReadAllText(_dir.Combine("private.key")), StringComparison.Ordinal);

        using var loaded = PemFiles.LoadCertificateWithKey(_dir.Combine("public.crt"), _dir.Combine("private.key"));

        Assert.Equal("CN=openssl.example", loaded.Subject);
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void Mismatched_truncated_or_missing_keys_are_cryptographic_errors()
    {
        using var leaf = TestCertificates.Server("localhost");
        using var other = TestCertificates.Server("localhost");
        var certPem = PemFiles.ExportCertificate(leaf);
        var keyPem = PemFiles.ExportPrivateKey(leaf);

        Assert.Throws<CryptographicException>(() => PemFiles.ParseCertificateWithKey(certPem, PemFiles.ExportPrivateKey(other), out _));
        Assert.Throws<CryptographicException>(() => PemFiles.ParseCertificateWithKey(certPem, keyPem[..(keyPem.Length / 2)], out _));
        Assert.Throws<CryptographicException>(() => PemFiles.ParseCertificateWithKey(certPem, "", out _));
        Assert.Throws<CryptographicException>(() => PemFiles.ParseCertificateWithKey("", keyPem, out _));
    }

    [Fact]
    public void Load_certificates_reads_every_top_level_file_of_a_directory()
    {
        using var a = TestCertificates.Server("a");
        using var b = TestCertificates.Server("b");
        using var c = TestCertificates.Server("c");
        File.WriteAllText(_dir.Combine("one.pem"), PemFiles.ExportCertificate(a) + PemFiles.ExportCertificate(b));
        File.WriteAllText(_dir.Combine("dup.crt"), PemFiles.ExportCertificate(a));
        File.WriteAllText(_dir.Combine("README"), "not a certificate");
        Directory.CreateDirectory(_dir.Combine("nested"));
        File.WriteAllText(_dir.Combine("nested", "c.crt"), PemFiles.ExportCertificate(c));

        var all = PemFiles.LoadCertificates(_dir.Path);

        Assert.Equal(
            new[] { a.Thumbprint, b.Thumbprint }.Order(),
            all.Cast<X509Certificate2>().Select(x => x.Thumbprint).Order());
        Assert.Equal(2, PemFiles.LoadCertificates(_dir.Combine("one.pem")).Count);
    }
}
