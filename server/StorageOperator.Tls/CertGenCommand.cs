using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Tls;

/// <summary>
/// <c>certgen</c>: a development certificate generator in the spirit of MinIO's generate_cert.go.
/// Writes DIR/public.crt + DIR/private.key (the leaf). With <c>--ca</c> the leaf is signed by a CA stored as
/// DIR/CAs/ca.crt with its key in DIR/ca.key (outside CAs/, which servers read as trusted roots; override with
/// <c>--ca-key</c>); an existing CA there is reused. Without <c>--ca</c> the leaf is self-signed.
/// <c>--client NAME</c> also writes DIR/client.crt + DIR/client.key (clientAuth, CN = NAME) and prints its KES identity.
/// </summary>
public static class CertGenCommand
{
    public const string Usage = """
        usage: certgen --host HOSTS [--ca] [--out DIR] [--client NAME] [--days N] [--ca-key PATH]
          --host HOSTS    comma-separated DNS names and IP addresses for the server certificate (required)
          --ca            sign with a CA kept in DIR/CAs/ca.crt (+ key in DIR/ca.key); created if missing, reused otherwise
          --out DIR       output directory (default ".")
          --client NAME   also write DIR/client.crt and DIR/client.key (clientAuth, CN = NAME)
          --days N        validity of the new certificates in days (default 365; a new CA gets 10 times that)
          --ca-key PATH   where the CA private key lives (default DIR/ca.key)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        Options options;
        try
        {
            var parsed = Parse(args);
            if (parsed is null)
            {
                stdout.WriteLine(Usage);
                return 0;
            }

            options = parsed;
        }
        catch (FormatException e)
        {
            stderr.WriteLine($"certgen: {e.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }

        try
        {
            Generate(options, stdout);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            stderr.WriteLine($"certgen: {e.Message}");
            return 1;
        }
    }

    private static void Generate(Options options, TextWriter stdout)
    {
        var validity = TimeSpan.FromDays(options.Days);
        var outDir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(outDir);

        X509Certificate2? ca = null;
        if (options.UseCa)
        {
            var caCertPath = Path.Combine(outDir, FolderSnapshot.AuthoritiesDirectoryName, "ca.crt");
            var caKeyPath = Path.GetFullPath(options.CaKeyPath ?? Path.Combine(outDir, "ca.key"));
            if (File.Exists(caCertPath) || File.Exists(caKeyPath))
            {
                if (!File.Exists(caCertPath) || !File.Exists(caKeyPath))
                {
                    throw new IOException($"Found only one of {caCertPath} and {caKeyPath}; refusing to replace an existing CA.");
                }

                ca = PemFiles.LoadCertificateWithKey(caCertPath, caKeyPath);
                stdout.WriteLine($"reusing CA {ca.Subject} from {caCertPath}");
            }
            else
            {
                ca = CertificateGenerator.CreateCertificateAuthority("Storage Operator dev CA", validity * 10);
                PemFiles.WriteCertificateAndKey(ca, caCertPath, caKeyPath);
                stdout.WriteLine($"wrote CA certificate {caCertPath}");
                stdout.WriteLine($"wrote CA private key {caKeyPath}");
            }
        }

        using (ca)
        {
            using var server = ca is null
                ? CertificateGenerator.CreateSelfSignedServerCertificate(options.Hosts, validity)
                : CertificateGenerator.CreateServerCertificate(ca, options.Hosts, validity);
            var certPath = Path.Combine(outDir, FolderSnapshot.CertificateFileName);
            var keyPath = Path.Combine(outDir, FolderSnapshot.KeyFileName);
            PemFiles.WriteCertificateAndKey(server, certPath, keyPath);
            stdout.WriteLine($"wrote server certificate {certPath} for {string.Join(", ", options.Hosts)}");
            stdout.WriteLine($"wrote server private key {keyPath}");

            if (options.ClientName is { } clientName)
            {
                using var client = ca is null
                    ? CertificateGenerator.CreateSelfSignedClientCertificate(clientName, validity)
                    : CertificateGenerator.CreateClientCertificate(ca, clientName, validity);
                var clientCertPath = Path.Combine(outDir, "client.crt");
                var clientKeyPath = Path.Combine(outDir, "client.key");
                PemFiles.WriteCertificateAndKey(client, clientCertPath, clientKeyPath);
                stdout.WriteLine($"wrote client certificate {clientCertPath} (CN={clientName})");
                stdout.WriteLine($"wrote client private key {clientKeyPath}");
                stdout.WriteLine($"client identity: {CertificateIdentity.Compute(client)}");
            }
        }
    }

    /// <summary>Returns null for --help.</summary>
    private static Options? Parse(string[] args)
    {
        var hosts = new List<string>();
        var useCa = false;
        var outDir = ".";
        string? client = null;
        string? caKey = null;
        var days = 365;

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} needs a value");
            switch (arg)
            {
                case "-h" or "--help":
                    return null;
                case "--ca":
                    useCa = true;
                    break;
                case "--host":
                    hosts.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--out":
                    outDir = Value();
                    break;
                case "--client":
                    client = Value();
                    if (string.IsNullOrWhiteSpace(client))
                    {
                        throw new FormatException("--client needs a non-empty name");
                    }

                    break;
                case "--ca-key":
                    caKey = Value();
                    break;
                case "--days":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days <= 0 || days > 36500)
                    {
                        throw new FormatException($"--days must be a whole number of days between 1 and 36500, not '{text}'");
                    }

                    break;
                default:
                    throw new FormatException($"unknown argument '{arg}'");
            }
        }

        if (hosts.Count == 0)
        {
            throw new FormatException("--host is required");
        }

        if (caKey is not null && !useCa)
        {
            throw new FormatException("--ca-key only makes sense with --ca");
        }

        return new Options(hosts, useCa, outDir, client, days, caKey);
    }

    private sealed record Options(IReadOnlyList<string> Hosts, bool UseCa, string OutDirectory, string? ClientName, int Days, string? CaKeyPath);
}
