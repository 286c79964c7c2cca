using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.KeyServer.Configuration;
using StorageOperator.KeyServer.Hosting;
using StorageOperator.KeyServer.Identities;
using StorageOperator.KeyServer.KeyStores;
using StorageOperator.Tls;

namespace StorageOperator.KeyServer.Cli;

/// <summary>The key-server verbs. Each returns a process exit code.</summary>
public static class Commands
{
    public const string Usage = """
        usage:
          key-server server --config FILE [--address IP:PORT]
              Run the KES-compatible key server.
          key-server identity of CERT_FILE
              Print the identity (hex SHA-256 of the SubjectPublicKeyInfo) of a PEM or DER certificate.
          key-server certs --out DIR --host NAME_OR_IP [--host …] [--client NAME …] [--days N] [--force]
              Quick start: a CA (ca.cert, ca.key), a server certificate (server.cert, server.key) and client
              certificates (client-NAME.cert, .key; default NAME "admin"). Prints each client's identity.
              Existing files are kept unless --force.
          key-server root-key --out FILE
              Write a new random root key (base64) for the filesystem keystore, mode 0600; never overwrites.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var line = CommandLine.Parse(args);
        var verb = line.Words.Count > 0 ? line.Words[0] : "";
        try
        {
            return verb switch
            {
                "server" => await ServerAsync(line, stderr, cancellationToken),
                "identity" when line.Words.Count == 3 && line.Words[1] == "of" => IdentityOf(line.Words[2], stdout),
                "certs" => Certs(line, stdout, stderr),
                "root-key" => RootKeyFile(line, stdout, stderr),
                _ when verb == "help" || line.Has("help") => Help(stdout),
                _ => Help(stderr, 2),
            };
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync("key-server: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync("key-server: " + e.Message);
            return 1;
        }
    }

    private static int Help(TextWriter writer, int code = 0)
    {
        writer.WriteLine(Usage);
        return code;
    }

    private static async Task<int> ServerAsync(CommandLine line, TextWriter stderr, CancellationToken cancellationToken)
    {
        var config = line.Flag("config");
        if (config is null)
        {
            await stderr.WriteLineAsync("key-server server: --config FILE is required");
            return 2;
        }

        await using var host = await KeyServerHost.StartAsync(new KeyServerOptions { ConfigPath = config, Address = line.Flag("address") }, cancellationToken);
        try
        {
            await host.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static int IdentityOf(string path, TextWriter stdout)
    {
        var bytes = File.ReadAllBytes(path);
        using var cert = bytes.Length > 0 && bytes[0] == 0x30
            ? X509CertificateLoader.LoadCertificate(bytes)
            : X509Certificate2.CreateFromPem(File.ReadAllText(path));
        stdout.WriteLine(Identity.Of(cert));
        return 0;
    }

    private static int Certs(CommandLine line, TextWriter stdout, TextWriter stderr)
    {
        var outDir = line.Flag("out");
        var hosts = line.Flags("host");
        if (outDir is null || hosts.Count == 0)
        {
            stderr.WriteLine("key-server certs: --out DIR and at least one --host are required");
            return 2;
        }

        var days = int.TryParse(line.Flag("days"), out var d) && d > 0 ? d : 365;
        var validity = TimeSpan.FromDays(days);
        var force = line.Has("force");
        var clients = line.Flags("client").Count > 0 ? line.Flags("client") : ["admin"];
        Directory.CreateDirectory(outDir);

        var caCert = Path.Combine(outDir, "ca.cert");
        var caKey = Path.Combine(outDir, "ca.key");
        X509Certificate2 ca;
        if (!force && File.Exists(caCert) && File.Exists(caKey))
        {
            ca = PemFiles.LoadCertificateWithKey(caCert, caKey);
        }
        else
        {
            ca = CertificateGenerator.CreateCertificateAuthority("key-server quick-start CA", validity);
            PemFiles.WriteCertificateAndKey(ca, caCert, caKey);
        }

        using (ca)
        {
            var serverCert = Path.Combine(outDir, "server.cert");
            var serverKey = Path.Combine(outDir, "server.key");
            if (force || !File.Exists(serverCert) || !File.Exists(serverKey))
            {
                using var server = CertificateGenerator.CreateServerCertificate(ca, hosts, validity);
                PemFiles.WriteCertificateAndKey(server, serverCert, serverKey);
            }

            stdout.WriteLine($"server: {serverCert} {serverKey} (CA {caCert})");
            foreach (var name in clients)
            {
                var clientCert = Path.Combine(outDir, $"client-{name}.cert");
                var clientKey = Path.Combine(outDir, $"client-{name}.key");
                if (force || !File.Exists(clientCert) || !File.Exists(clientKey))
                {
                    using var client = CertificateGenerator.CreateClientCertificate(ca, name, validity);
                    PemFiles.WriteCertificateAndKey(client, clientCert, clientKey);
                }

                using var written = X509Certificate2.CreateFromPem(File.ReadAllText(clientCert));
                stdout.WriteLine($"client {name}: {Identity.Of(written)}  {clientCert} {clientKey}");
            }
        }

        return 0;
    }

    private static int RootKeyFile(CommandLine line, TextWriter stdout, TextWriter stderr)
    {
        var path = line.Flag("out");
        if (path is null)
        {
            stderr.WriteLine("key-server root-key: --out FILE is required");
            return 2;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        using (var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(RootKey.NewBase64());
        }

        stdout.WriteLine($"root key written to {path}");
        return 0;
    }
}
