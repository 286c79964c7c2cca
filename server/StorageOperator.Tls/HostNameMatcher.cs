using System.Net;

namespace StorageOperator.Tls;

/// <summary>RFC 6125 style matching of a requested host name against a certificate's names.</summary>
internal static class HostNameMatcher
{
    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    public static bool Matches(CertificateEntry entry, string hostName)
    {
        var host = Normalize(hostName);
        if (host.Length == 0)
        {
            return false;
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return entry.IpAddresses.Any(a => a.Equals(ip));
        }

        if (entry.DnsNames.Count > 0)
        {
            return entry.DnsNames.Any(pattern => MatchesPattern(pattern, host));
        }

        // Legacy certificates without DNS SANs: fall back to the CN, but never when IP SANs make the intent clear.
        return entry.IpAddresses.Count == 0 && entry.CommonName is { } cn && MatchesPattern(Normalize(cn), host);
    }

    public static bool MatchesPattern(string pattern, string host)
    {
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(pattern, host, StringComparison.Ordinal);
        }

        // A wildcard stands for exactly one whole, non-empty leftmost label.
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(host[dot..], pattern[1..], StringComparison.Ordinal);
    }
}
