using System.Security.Cryptography.X509Certificates;
using System.Text;
using StorageOperator.Tls;

namespace StorageOperator.Operator.Certificates;

/// <summary>Pure CA bundle handling: merge PEM sources, drop duplicates and expired CAs, stable order.</summary>
public static class CaBundle
{
    public static string Merge(IEnumerable<string?> pems, DateTime now)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var pem in pems)
        {
            if (string.IsNullOrWhiteSpace(pem))
            {
                continue;
            }
            foreach (var cert in PemFiles.ParseCertificates(pem))
            {
                using (cert)
                {
                    if (cert.NotAfter.ToUniversalTime() <= now || !seen.Add(cert.Thumbprint))
                    {
                        continue;
                    }
                    builder.Append(PemFiles.ExportCertificate(cert));
                }
            }
        }
        return builder.ToString();
    }

    public static IReadOnlyList<X509Certificate2> Parse(string? pem) =>
        string.IsNullOrWhiteSpace(pem) ? [] : [.. PemFiles.ParseCertificates(pem)];
}
