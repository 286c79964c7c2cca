using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Tls;

/// <summary>One loaded certificate/key pair with everything a handshake needs, prepared once at load time.</summary>
public sealed class CertificateEntry
{
    internal CertificateEntry(string directory, X509Certificate2 certificate, X509Certificate2Collection chain)
    {
        Directory = directory;
        Certificate = certificate;
        Chain = chain;
        Context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
        var sans = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        DnsNames = sans?.EnumerateDnsNames().Select(HostNameMatcher.Normalize).ToArray() ?? [];
        IpAddresses = sans?.EnumerateIPAddresses().ToArray() ?? [];
        CommonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    /// <summary>The directory the pair was read from (the certs folder itself for the default certificate).</summary>
    public string Directory { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates that followed the leaf in public.crt.</summary>
    public X509Certificate2Collection Chain { get; }

    public SslStreamCertificateContext Context { get; }

    public IReadOnlyList<string> DnsNames { get; }

    public IReadOnlyList<IPAddress> IpAddresses { get; }

    public string? CommonName { get; }

    public bool Matches(string hostName) => HostNameMatcher.Matches(this, hostName);
}
