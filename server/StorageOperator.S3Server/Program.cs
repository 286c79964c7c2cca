using Microsoft.Extensions.Logging;
using StorageOperator.Crypto.Kms;
using StorageOperator.S3Server.Cli;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Encryption.Rewrap;
using StorageOperator.S3Server.Hosting;
using StorageOperator.Tls;

const string usage = """
    storage-server: an S3-compatible object storage server.

    Usage:
      storage-server server DATA_DIR [--address :9000] [--certs-dir DIR] [--domain DOMAIN]
      storage-server certgen [--ca] --host "127.0.0.1,localhost" [--out DIR]
      storage-server admin rewrap DATA_DIR --to-key NAME [--bucket B] [--prefix P] [--checkpoint FILE] [--certs-dir DIR]
                            re-seal SSE-S3/SSE-KMS object keys under a new KMS key (server stopped)
      storage-server version
      storage-server --help

    Environment:
      STORAGE_ROOT_USER / STORAGE_ROOT_PASSWORD (or *_FILE)   root credentials
        aliases: MINIO_ROOT_USER / MINIO_ROOT_PASSWORD, legacy MINIO_ACCESS_KEY / MINIO_SECRET_KEY
      STORAGE_REGION (or MINIO_REGION)                        region, default us-east-1
      STORAGE_DOMAIN (or MINIO_DOMAIN)                        enables virtual-host style requests
      OTEL_EXPORTER_OTLP_ENDPOINT                             enables OTLP export of traces and metrics

    Encryption (aliases MINIO_KMS_*):
      STORAGE_KMS_SECRET_KEY=name:base64(32 bytes) (or *_FILE) static KMS key
      STORAGE_KMS_KES_ENDPOINT, _KEY_NAME, _CERT_FILE, _KEY_FILE, _CAPATH   KES over mutual TLS
      STORAGE_KMS_AUTO_ENCRYPTION=on                          encrypt objects written without SSE headers
      STORAGE_KMS_AUTO_ENCRYPTION_MODE=SSE-KMS|SSE-S3         how auto-encrypted objects are reported (default SSE-KMS)
      STORAGE_ENCRYPTION_ENFORCE=on                           refuse writes that would be stored unencrypted (403)

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
    case "admin" when args.Length > 1 && args[1] == "rewrap":
        return await RewrapCommand.RunAsync(args[2..], Environment.GetEnvironmentVariables(), S3ServerOptions.DefaultCertsDirectory,
            Console.Out, Console.Error, CancellationToken.None);
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
SseStartup sse;
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
    sse = SseStartup.FromEnvironment(Environment.GetEnvironmentVariables(), options.CertsDirectory);
}
catch (Exception e) when (e is ConfigurationException or KmsConfigurationException)
{
    Console.Error.WriteLine($"storage-server: {e.Message}");
    return 2;
}

var app = S3ServerHost.Build(options, sse: sse);
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("storage-server");
foreach (var w in warnings)
{
#pragma warning disable CA1848, CA2254 // start-up warnings are rare and preformatted
    logger.LogWarning(w);
#pragma warning restore CA1848, CA2254
}

await sse.CheckKmsAsync(logger, CancellationToken.None);
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
