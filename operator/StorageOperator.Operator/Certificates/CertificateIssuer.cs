using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Operator.Certificates;

/// <summary>
/// Issues the operator's CA and leaf certificates (ECDSA P-256, SHA-256) on an injectable clock, so
/// renewal can be tested by moving time. StorageOperator.Tls's generator reads the wall clock.
/// </summary>
public sealed class CertificateIssuer(TimeProvider time)
{
    // A verifier whose clock runs a little behind must not see a fresh certificate as not yet valid.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public X509Certificate2 CreateAuthority(string commonName, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now - Backdate, now + validity);
        return Portable(cert);
    }

    /// <summary>A serverAuth leaf for <paramref name="hosts"/> (DNS names and IP addresses).</summary>
    public X509Certificate2 IssueServer(X509Certificate2 issuer, IReadOnlyList<string> hosts, TimeSpan validity, ECDsa? key = null)
    {
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                sans.AddIpAddress(ip);
            }
            else
            {
                sans.AddDnsName(host);
            }
        }
        var cn = hosts.FirstOrDefault(h => !IPAddress.TryParse(h, out _)) ?? hosts[0];
        return Issue(issuer, Name(cn), sans.Build(), ServerAuthOid, validity, key);
    }

    /// <summary>A clientAuth leaf; pass the previous key to keep the key-server identity across renewals.</summary>
    public X509Certificate2 IssueClient(X509Certificate2 issuer, string commonName, TimeSpan validity, ECDsa? key = null) =>
        Issue(issuer, Name(commonName), null, ClientAuthOid, validity, key);

    private X509Certificate2 Issue(X509Certificate2 issuer, X500DistinguishedName subject, X509Extension? sans, string eku, TimeSpan validity, ECDsa? key)
    {
        var ownsKey = key is null;
        var leafKey = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var request = new CertificateRequest(subject, leafKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            if (sans is not null)
            {
                request.CertificateExtensions.Add(sans);
            }
            var now = time.GetUtcNow();
            // A leaf may not outlive its issuer; clamp instead of failing (the CA rolls over long before).
            var notBefore = Max(now - Backdate, new DateTimeOffset(issuer.NotBefore.ToUniversalTime()));
            var notAfter = Min(now + validity, new DateTimeOffset(issuer.NotAfter.ToUniversalTime()));
            using var signer = issuer.GetECDsaPrivateKey() ?? throw new ArgumentException("issuer has no ECDSA private key", nameof(issuer));
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
            using var unsigned = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(signer), notBefore, notAfter, serial);
            using var withKey = unsigned.CopyWithPrivateKey(leafKey);
            return Portable(withKey);
        }
        finally
        {
            if (ownsKey)
            {
                leafKey.Dispose();
            }
        }
    }

    private static X500DistinguishedName Name(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName.Length > 64 ? commonName[..64] : commonName);
        return builder.Build();
    }

    private static X509Certificate2 Portable(X509Certificate2 cert)
    {
        var pfx = cert.Export(X509ContentType.Pkcs12);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
