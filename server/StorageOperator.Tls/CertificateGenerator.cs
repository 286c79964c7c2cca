using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Tls;

/// <summary>
/// Creates CA, server and client certificates (ECDSA P-256, SHA-256) for development, tests and the operator.
/// </summary>
public static class CertificateGenerator
{
    // Clock skew between the machine that issues and the one that verifies must not make fresh certs "not yet valid".
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static X509Certificate2 CreateCertificateAuthority(string commonName, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(BuildName(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now - Backdate, now + validity);
        return Portable(cert);
    }

    public static X509Certificate2 CreateServerCertificate(
        X509Certificate2 issuer, IEnumerable<string> hosts, TimeSpan validity, ECDsa? key = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var hostList = NormalizeHosts(hosts);
        return Issue(issuer, ServerSubject(hostList), BuildSubjectAlternativeNames(hostList), ServerAuthOid, validity, key);
    }

    public static X509Certificate2 CreateClientCertificate(
        X509Certificate2 issuer, string commonName, TimeSpan validity, ECDsa? key = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        return Issue(issuer, BuildName(commonName), null, ClientAuthOid, validity, key);
    }

    /// <summary>A self-signed leaf for serverAuth (what MinIO's generate_cert writes without <c>--ca</c>).</summary>
    public static X509Certificate2 CreateSelfSignedServerCertificate(IEnumerable<string> hosts, TimeSpan validity, ECDsa? key = null)
    {
        var hostList = NormalizeHosts(hosts);
        return SelfSignedLeaf(ServerSubject(hostList), BuildSubjectAlternativeNames(hostList), ServerAuthOid, validity, key);
    }

    /// <summary>A self-signed clientAuth certificate: enough for identity-pinned mTLS (KES style).</summary>
    public static X509Certificate2 CreateSelfSignedClientCertificate(string commonName, TimeSpan validity, ECDsa? key = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        return SelfSignedLeaf(BuildName(commonName), null, ClientAuthOid, validity, key);
    }

    private static X509Certificate2 SelfSignedLeaf(
        X500DistinguishedName subject, X509Extension? sans, string ekuOid, TimeSpan validity, ECDsa? key)
    {
        var ownsKey = key is null;
        var leafKey = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var request = LeafRequest(subject, leafKey, sans, ekuOid);
            var now = DateTimeOffset.UtcNow;
            using var cert = request.CreateSelfSigned(now - Backdate, now + validity);
            return Portable(cert);
        }
        finally
        {
            if (ownsKey)
            {
                leafKey.Dispose();
            }
        }
    }

    private static X509Certificate2 Issue(
        X509Certificate2 issuer, X500DistinguishedName subject, X509Extension? sans, string ekuOid, TimeSpan validity, ECDsa? key)
    {
        if (!issuer.HasPrivateKey)
        {
            throw new ArgumentException("The issuer certificate has no private key.", nameof(issuer));
        }

        var ownsKey = key is null;
        var leafKey = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var request = LeafRequest(subject, leafKey, sans, ekuOid);
            request.CertificateExtensions.Add(
                X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));

            // CertificateRequest refuses a validity window outside the issuer's; clamp rather than fail.
            var now = DateTimeOffset.UtcNow;
            var notBefore = Max(now - Backdate, new DateTimeOffset(issuer.NotBefore.ToUniversalTime()));
            var notAfter = Min(now + validity, new DateTimeOffset(issuer.NotAfter.ToUniversalTime()));
            if (notAfter <= notBefore)
            {
                throw new ArgumentException("The issuer certificate is expired or the validity is empty.", nameof(validity));
            }

            using var signerKey = SignerKey(issuer);
            var generator = signerKey switch
            {
                ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
                RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
                _ => throw new ArgumentException("The issuer key must be ECDSA or RSA.", nameof(issuer)),
            };
            using var unsigned = request.Create(issuer.SubjectName, generator, notBefore, notAfter, NewSerialNumber());
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

    private static CertificateRequest LeafRequest(X500DistinguishedName subject, ECDsa key, X509Extension? sans, string ekuOid)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ekuOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (sans is not null)
        {
            request.CertificateExtensions.Add(sans);
        }

        return request;
    }

    private static AsymmetricAlgorithm SignerKey(X509Certificate2 issuer) =>
        (AsymmetricAlgorithm?)issuer.GetECDsaPrivateKey()
        ?? issuer.GetRSAPrivateKey()
        ?? throw new ArgumentException("The issuer key must be ECDSA or RSA.", nameof(issuer));

    private static List<string> NormalizeHosts(IEnumerable<string> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var list = hosts.Select(h => h.Trim()).Where(h => h.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one host name or IP address is required.", nameof(hosts));
        }

        return list;
    }

    private static X500DistinguishedName ServerSubject(List<string> hosts)
    {
        // Verifiers ignore the CN when SANs exist; it only makes the certificate readable in tools.
        var dnsName = hosts.FirstOrDefault(h => !IPAddress.TryParse(h, out _));
        return BuildName(dnsName ?? hosts[0]);
    }

    private static X509Extension BuildSubjectAlternativeNames(List<string> hosts)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                builder.AddIpAddress(ip);
            }
            else
            {
                builder.AddDnsName(host);
            }
        }

        return builder.Build(critical: false);
    }

    private static X500DistinguishedName BuildName(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // DER INTEGER must stay positive
        serial[0] |= 0x01; // and keep its full length
        return serial;
    }

    // Ephemeral keys from CopyWithPrivateKey/CreateSelfSigned are fine on Linux but unusable by SslStream on Windows;
    // a PKCS#12 round trip gives a certificate that works everywhere and stays exportable.
    internal static X509Certificate2 Portable(X509Certificate2 cert)
    {
        var pfx = cert.Export(X509ContentType.Pkcs12);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable | EphemeralIfSupported());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    private static X509KeyStorageFlags EphemeralIfSupported() =>
        OperatingSystem.IsMacOS() || OperatingSystem.IsWindows() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
