using System.Net;
using StorageOperator.Storage.S3Gateway;

namespace StorageOperator.S3Server.Hosting;

/// <summary>Validated start-up options of the storage server.</summary>
/// <param name="DataDirectory">the filesystem backend's folder (unused, may be empty, when <see cref="Gateway"/> is set).</param>
/// <param name="Address">the endpoint to bind (port 0 picks a free port).</param>
/// <param name="CertsDirectory">MinIO-style certs folder; TLS is on when it holds public.crt + private.key.</param>
/// <param name="Domain">base domain for virtual-host style requests, or null.</param>
public sealed record S3ServerOptions(
    string DataDirectory,
    IPEndPoint Address,
    string CertsDirectory,
    Credentials Credentials,
    string Region = "us-east-1",
    string? Domain = null)
{
    /// <summary>Certificate folder poll interval (Kubernetes symlink swaps are not always seen by file watchers).</summary>
    public TimeSpan CertificatePollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, objects live in this S3-compatible store instead of <see cref="DataDirectory"/> (stateless replicas).</summary>
    public S3GatewayOptions? Gateway { get; init; }

    /// <summary>The filesystem backend writes large objects with O_DIRECT (STORAGE_ODIRECT=off turns it off).</summary>
    public bool DirectIo { get; init; } = true;

    public static string DefaultCertsDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".storage", "certs");

    /// <summary>Parses ":9000", "9000", "127.0.0.1:9000", "[::1]:9000", "localhost:9000". ":port" binds all interfaces, as MinIO does.</summary>
    public static IPEndPoint ParseAddress(string address)
    {
        var a = address.Trim();
        string host;
        string port;
        if (a.StartsWith('['))
        {
            var close = a.IndexOf(']');
            if (close < 0 || close + 1 >= a.Length || a[close + 1] != ':')
            {
                throw new ConfigurationException($"Invalid --address '{address}': expected [ipv6]:port.");
            }

            host = a[1..close];
            port = a[(close + 2)..];
        }
        else
        {
            var colon = a.LastIndexOf(':');
            host = colon < 0 ? "" : a[..colon];
            port = colon < 0 ? a : a[(colon + 1)..];
        }

        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p > 65535)
        {
            throw new ConfigurationException($"Invalid --address '{address}': bad port.");
        }

        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.Any, p);
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, p);
        }

        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, p)
            : throw new ConfigurationException($"Invalid --address '{address}': host must be an IP address or localhost.");
    }
}
