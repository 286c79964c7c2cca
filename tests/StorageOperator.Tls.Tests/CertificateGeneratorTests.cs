using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Tls.Tests.Support;

namespace StorageOperator.Tls.Tests;

public sealed class CertificateGeneratorTests
{
    [Fact]
    public void Certificate_authority_is_a_self_signed_p256_ca_backdated_five_minutes()
    {
        var before = DateTime.UtcNow;
        using var ca = CertificateGenerator.CreateCertificateAuthority("Test Root", TimeSpan.FromDays(30));

        Assert.True(ca.HasPrivateKey);
        Assert.Equal(ca.SubjectName.RawData, ca.IssuerName.RawData);
        Assert.Equal("Test Root", ca.GetNameInfo(X509NameType.SimpleName, false));
        var constraints = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = Assert.Single(ca.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages;
        Assert.True(usage.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.True(usage.HasFlag(X509KeyUsageFlags.CrlSign));
        Assert.Single(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        using var key = ca.GetECDsaPublicKey()!;
        Assert.Equal(256, key.KeySize);
        Assert.InRange(ca.NotBefore.ToUniversalTime(), before.AddMinutes(-6), before.AddMinutes(-4));
        Assert.InRange(ca.NotAfter.ToUniversalTime(), before.AddDays(30).AddMinutes(-1), before.AddDays(30).AddMinutes(1));
    }

    [Fact]
    public void Server_certificate_carries_dns_and_ip_sans_serverauth_and_chains_to_the_ca()
    {
        var ca = TestCertificates.Ca;
        using var leaf = CertificateGenerator.CreateServerCertificate(
            ca, ["localhost", "127.0.0.1", "::1", "storage.example.com"], TimeSpan.FromDays(1));

        var sans = Assert.Single(leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["localhost", "storage.example.com"], sans.EnumerateDnsNames().ToArray());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], sans.EnumerateIPAddresses().ToArray());
        var eku = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(TestCertificates.ServerAuth, Assert.Single(eku.EnhancedKeyUsages.Cast<Oid>()).Value);
        Assert.False(Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        var aki = Assert.Single(leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        var caSki = Assert.Single(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(Convert.FromHexString(caSki.SubjectKeyIdentifier!), aki.KeyIdentifier!.Value.ToArray());
        Assert.True(leaf.HasPrivateKey);
        Assert.True(leaf.MatchesHostname("storage.example.com"));
        Assert.True(leaf.MatchesHostname("127.0.0.1"));
        Assert.False(leaf.MatchesHostname("other.example.com"));

        Assert.Equal((true, X509ChainStatusFlags.NoError), TestCertificates.Verify(leaf, ca, TestCertificates.ServerAuth));
        // The EKU is enforced: the same certificate is not valid for client authentication.
        Assert.False(TestCertificates.Verify(leaf, ca, TestCertificates.ClientAuth).Valid);
    }

    [Fact]
    public void Server_certificate_does_not_chain_to_a_different_ca()
    {
        using var otherCa = CertificateGenerator.CreateCertificateAuthority("Other", TimeSpan.FromDays(1));
        using var leaf = TestCertificates.Server("localhost");

        Assert.False(TestCertificates.Verify(leaf, otherCa, TestCertificates.ServerAuth).Valid);
    }

    [Fact]
    public void Client_certificate_has_clientauth_and_the_common_name()
    {
        var ca = TestCertificates.Ca;
        using var client = CertificateGenerator.CreateClientCertificate(ca, "storage-server", TimeSpan.FromDays(1));

        Assert.Equal("CN=storage-server", client.Subject);
        var eku = Assert.Single(client.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(TestCertificates.ClientAuth, Assert.Single(eku.EnhancedKeyUsages.Cast<Oid>()).Value);
        Assert.Empty(client.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.True(TestCertificates.Verify(client, ca, TestCertificates.ClientAuth).Valid);
        Assert.False(TestCertificates.Verify(client, ca, TestCertificates.ServerAuth).Valid);
    }

    [Fact]
    public void Renewing_with_the_same_key_keeps_the_identity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var first = CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "kes-client", TimeSpan.FromDays(1), key);
        using var second = CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "kes-client", TimeSpan.FromDays(2), key);
        using var other = CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "kes-client", TimeSpan.FromDays(1));

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(CertificateIdentity.Compute(first), CertificateIdentity.Compute(second));
        Assert.NotEqual(CertificateIdentity.Compute(first), CertificateIdentity.Compute(other));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), second.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Identity_is_lowercase_sha256_of_the_subject_public_key_info()
    {
        using var cert = CertificateGenerator.CreateSelfSignedClientCertificate("id", TimeSpan.FromDays(1));

        var expected = Convert.ToHexString(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo())).ToLowerInvariant();
        Assert.Equal(expected, CertificateIdentity.Compute(cert));
        Assert.Matches("^[0-9a-f]{64}$", CertificateIdentity.Compute(cert));
    }

    [Fact]
    public void Leaf_validity_is_clamped_to_the_issuer()
    {
        using var shortCa = CertificateGenerator.CreateCertificateAuthority("Short", TimeSpan.FromHours(1));
        using var leaf = CertificateGenerator.CreateServerCertificate(shortCa, ["localhost"], TimeSpan.FromDays(365));

        Assert.Equal(shortCa.NotAfter, leaf.NotAfter);
        Assert.True(TestCertificates.Verify(leaf, shortCa, TestCertificates.ServerAuth).Valid);
    }

    [Fact]
    public void An_rsa_issuer_can_sign_ecdsa_leaves()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=RSA Root", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var rsaCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var leaf = CertificateGenerator.CreateServerCertificate(rsaCa, ["localhost"], TimeSpan.FromHours(1));

        Assert.True(TestCertificates.Verify(leaf, rsaCa, TestCertificates.ServerAuth).Valid);
    }

    [Fact]
    public void Self_signed_server_certificate_is_its_own_trust_anchor()
    {
        using var leaf = CertificateGenerator.CreateSelfSignedServerCertificate(["localhost", "10.0.0.1"], TimeSpan.FromDays(1));

        Assert.Equal(leaf.SubjectName.RawData, leaf.IssuerName.RawData);
        Assert.True(leaf.MatchesHostname("10.0.0.1"));
        Assert.True(TestCertificates.Verify(leaf, leaf, TestCertificates.ServerAuth).Valid);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        using var noKey = X509CertificateLoader.LoadCertificate(TestCertificates.Ca.RawData);

        Assert.Throws<ArgumentException>(() => CertificateGenerator.CreateServerCertificate(TestCertificates.Ca, [" ", ""], TimeSpan.FromDays(1)));
        Assert.Throws<ArgumentException>(() => CertificateGenerator.CreateServerCertificate(noKey, ["localhost"], TimeSpan.FromDays(1)));
        Assert.Throws<ArgumentException>(() => CertificateGenerator.CreateClientCertificate(TestCertificates.Ca, "", TimeSpan.FromDays(1)));
    }
}
