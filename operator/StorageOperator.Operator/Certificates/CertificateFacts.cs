using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Certificates;

/// <summary>What the operator needs to know about one certificate: lifetime, names, fingerprint, issuer.</summary>
public sealed record CertificateFacts(
    DateTime NotBefore,
    DateTime NotAfter,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<string> IpAddresses,
    string Sha256Fingerprint,
    string Identity,
    string? AuthorityKeyId)
{
    public static CertificateFacts Of(X509Certificate2 cert)
    {
        var dns = new List<string>();
        var ips = new List<string>();
        foreach (var ext in cert.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            dns.AddRange(ext.EnumerateDnsNames());
            ips.AddRange(ext.EnumerateIPAddresses().Select(ip => ip.ToString()));
        }
        var aki = cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } id
            ? Convert.ToHexStringLower(id.Span)
            : null;
        return new CertificateFacts(
            cert.NotBefore.ToUniversalTime(),
            cert.NotAfter.ToUniversalTime(),
            dns,
            ips,
            Convert.ToHexStringLower(SHA256.HashData(cert.RawData)),
            StorageOperator.Tls.CertificateIdentity.Compute(cert),
            aki);
    }

    /// <summary>
    /// When to renew: <paramref name="renewBefore"/> ahead of expiry, else at two thirds of the lifetime
    /// (cert-manager's default), never earlier than issuance.
    /// </summary>
    public DateTime RenewalTime(TimeSpan? renewBefore)
    {
        var lifetime = NotAfter - NotBefore;
        var before = renewBefore is { } r && r < lifetime ? r : lifetime / 3;
        return NotAfter - before;
    }

    /// <summary>True when the certificate carries exactly these DNS names and IPs (order ignored).</summary>
    public bool Covers(IEnumerable<string> hosts)
    {
        var wanted = hosts.Select(h => IPAddress.TryParse(h, out var ip) ? ip.ToString() : h.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var have = DnsNames.Select(d => d.ToLowerInvariant()).Concat(IpAddresses).ToHashSet(StringComparer.Ordinal);
        return wanted.SetEquals(have);
    }

    public CertificateStatus ToStatus(string name, string secretName, TimeSpan? renewBefore) => new()
    {
        Name = name,
        SecretName = secretName,
        DnsNames = DnsNames.Count > 0 ? [.. DnsNames] : null,
        IpAddresses = IpAddresses.Count > 0 ? [.. IpAddresses] : null,
        NotAfter = NotAfter,
        RenewalTime = RenewalTime(renewBefore),
        Sha256Fingerprint = Sha256Fingerprint,
    };

    /// <summary>Subject key identifier of a CA, to match a leaf's authority key identifier.</summary>
    public static string? SubjectKeyId(X509Certificate2 ca) =>
        ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier?.ToLowerInvariant();
}
