using Microsoft.Extensions.Logging;
using StorageOperator.S3Server.Cli;
using StorageOperator.S3Server.Hosting;
using StorageOperator.Tls;

const string usage = """
    storage-server: an S3-compatible object storage server.

    Usage:
      storage-server server DATA_DIR [--address :9000] [--certs-dir DIR] [--domain DOMAIN]
      storage-server certgen [--ca] --host "127.0.0.1,localhost" [--out DIR]
      storage-server version
      storage-server --help

    Environment:
      STORAGE_ROOT_USER / STORAGE_ROOT_PASSWORD (or *_FILE)   root credentials
        aliases: MINIO_ROOT_USER / MINIO_ROOT_PASSWORD, legacy MINIO_ACCESS_KEY / MINIO_SECRET_KEY
      STORAGE_REGION (or MINIO_REGION)                        region, default us-east-1
      STORAGE_DOMAIN (or MINIO_DOMAIN)                        enables virtual-host style requests
      OTEL_EXPORTER_OTLP_ENDPOINT                             enables OTLP export of traces and metrics

    The certs folder (default ~/.storage/certs) holds public.crt / private.key, CAs/ and per-domain
    subfolders; TLS is on when public.crt and private.key exist, and certificates reload on change.
    """;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.Out.WriteLine(usage);
    return args.Length == 0 ? 1 : 0;
}

switch (args[0])
{
    case "version" or "--version":
        Console.Out.WriteLine($"storage-server {ServerVersion.Version}");
        return 0;
    case "certgen":
        return CertGenCommand.Run(args[1..], Console.Out, Console.Error);
    case "server":
        break;
    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        Console.Error.WriteLine(usage);
        return 2;
}

if (args.Skip(1).Any(a => a is "--help" or "-h"))
{
    Console.Out.WriteLine(usage);
    return 0;
}

S3ServerOptions options;
var warnings = new List<string>();
try
{
    var cli = ServerCommandLine.Parse(args[1..]);
    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    var credentials = CredentialsLoader.Load(Env, CredentialsLoader.ReadFileOrNull, warnings);
    options = new S3ServerOptions(
        Path.GetFullPath(cli.DataDirectory),
        S3ServerOptions.ParseAddress(cli.Address),
        cli.CertsDirectory ?? S3ServerOptions.DefaultCertsDirectory,
        credentials,
        Env("STORAGE_REGION") ?? Env("MINIO_REGION") ?? "us-east-1",
        cli.Domain ?? Env("STORAGE_DOMAIN") ?? Env("MINIO_DOMAIN"));
    Directory.CreateDirectory(options.DataDirectory);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"storage-server: {e.Message}");
    return 2;
}

var app = S3ServerHost.Build(options);
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("storage-server");
foreach (var w in warnings)
{
#pragma warning disable CA1848, CA2254 // start-up warnings are rare and preformatted
    logger.LogWarning(w);
#pragma warning restore CA1848, CA2254
}

await app.StartAsync();
foreach (var url in app.Urls)
{
    Console.Out.WriteLine($"storage-server {ServerVersion.Version} listening on {url} (data: {options.DataDirectory}, region: {options.Region})");
    if (url.StartsWith("http://", StringComparison.Ordinal))
    {
        Console.Out.WriteLine($"TLS is off: no public.crt and private.key in {options.CertsDirectory}.");
    }
}

await app.WaitForShutdownAsync();
return 0;
