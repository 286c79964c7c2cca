using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.KeyServer.Identities;
using StorageOperator.KeyServer.Tests.Infrastructure;
using StorageOperator.Tls;

namespace StorageOperator.KeyServer.Tests.Identities;

public sealed class IdentityTests
{
    /// <summary>
    /// A fixed self-signed Ed25519 certificate (made by openssl), the key type kes-go uses for API keys. Its SPKI is
    /// the 44-byte 302a300506032b6570032100 || public key.
    /// </summary>
    private const string Ed25519CertificatePem = """
        -----BEGIN CERTIFICATE-----
        MIIBSzCB/qADAgECAhQrg2pSDVAFmjDIt3ZYnmoVvHIjlTAFBgMrZXAwETEPMA0G
        A1UEAwwGa2VzLWlkMB4XDTI2MTEyNzA4MjgwNloXDTM2MTEyNDA4MjgwNlowETEP
        MA0GA1UEAwwGa2VzLWlkMCowBQYDK2VwAyEAKATjsmEP/RzOB/CKr1M3a39gft3L
        D5/QuQ4zaBb4P4CjaDBmMB0GA1UdDgQWBBTBf6SQwDVzI5HmC01hATtyQ46l3jAf
        BgNVHSMEGDAWgBTBf6SQwDVzI5HmC01hATtyQ46l3jAPBgNVHRMBAf8EBTADAQH/
        MBMGA1UdJQQMMAoGCCsGAQUFBwMCMAUGAytlcANBACTyoT8FQxMjTnvuuwwjt60E
        CH3kh+B2vGZ6ZW6olGNGgKXcnbVLUXuObZpAa2IjM6FwUPrv6J8n0SGRgZsJ2Ac=
        -----END CERTIFICATE-----
        """;

    /// <summary>From <c>openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum</c>.</summary>
    private const string Ed25519Identity = "45ebd37fa5b161ca1f8415057ff403fca22b737b54f03c493cee864cfe6ede7e";

    [Fact]
    public void The_identity_is_sha256_of_exactly_the_spki_bytes_for_ed25519()
    {
        var der = PemDer(Ed25519CertificatePem);
        var spki = Identity.SubjectPublicKeyInfo(der).ToArray();
        Assert.Equal("302a300506032b6570032100", Convert.ToHexStringLower(spki[..12]));
        Assert.Equal(44, spki.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), Identity.OfDer(der));
        Assert.Equal(Ed25519Identity, Identity.OfDer(der));
    }

    [Fact]
    public void Ecdsa_and_rsa_identities_equal_the_hash_of_the_exported_spki()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        foreach (var request in new[]
        {
            new CertificateRequest("CN=ec", ec, HashAlgorithmName.SHA256),
            new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        })
        {
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo())), Identity.Of(cert));
        }
    }

    [SkippableFact]
    public void Matches_openssl_for_ecdsa_rsa_and_ed25519()
    {
        Skip.If(!OpenSslAvailable(), "openssl is not installed");
        var dir = Path.Combine(Path.GetTempPath(), "key-server-identity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var rsa = RSA.Create(2048);
            using var rsaCert = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certificates = new Dictionary<string, string>
            {
                ["ecdsa.pem"] = TestPki.Instance.App.ExportCertificatePem(),
                ["rsa.pem"] = rsaCert.ExportCertificatePem(),
                ["ed25519.pem"] = Ed25519CertificatePem,
            };
            foreach (var (file, pem) in certificates)
            {
                var path = Path.Combine(dir, file);
                File.WriteAllText(path, pem);
                var fromOpenSsl = Shell($"openssl x509 -in '{path}' -pubkey -noout | openssl pkey -pubin -outform der | sha256sum").Split(' ')[0];
                Assert.Equal(fromOpenSsl, Identity.OfDer(PemDer(pem)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22", true)]
    [InlineData("3ECFCDF38FCBE141AE26A1030F81E96B753365A46760AE6B578698A97C59FD22", false)]
    [InlineData("disabled", false)]
    [InlineData("", false)]
    [InlineData("3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd2", false)]
    public void Well_formed_identities_are_64_lowercase_hex_digits(string identity, bool wellFormed) =>
        Assert.Equal(wellFormed, Identity.IsWellFormed(identity));

    [Fact]
    public void Fixed_time_equality()
    {
        Assert.True(Identity.FixedTimeEquals("abc", "abc"));
        Assert.False(Identity.FixedTimeEquals("abc", "abd"));
        Assert.False(Identity.FixedTimeEquals("abc", "abcd"));
    }

    [Fact]
    public void A_pem_file_written_by_the_tls_library_has_the_same_identity_as_the_certificate_object()
    {
        var path = Path.Combine(TestPki.Instance.Directory, "client-app.cert");
        using var loaded = PemFiles.LoadCertificates(path)[0];
        Assert.Equal(Identity.Of(TestPki.Instance.App), Identity.Of(loaded));
    }

    private static byte[] PemDer(string pem)
    {
        using var cert = X509Certificate2.CreateFromPem(pem);
        return cert.RawData;
    }

    internal static bool OpenSslAvailable()
    {
        try
        {
            Shell("openssl version");
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    internal static string Shell(string command)
    {
        var info = new ProcessStartInfo(File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(File.Exists("/bin/bash") ? "set -o pipefail; " + command : command);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"'{command}' failed: {error}");
    }
}
