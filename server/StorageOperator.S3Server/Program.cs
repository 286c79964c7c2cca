using Microsoft.Extensions.Logging;
using StorageOperator.Crypto.Kms;
using StorageOperator.S3Server.Cli;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Encryption.Rewrap;
using StorageOperator.S3Server.Hosting;
using StorageOperator.Storage.S3Gateway;
using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Tls;

const string usage = """
    storage-server: an S3-compatible object storage server.

    Usage:
      storage-server server DATA_DIR [--address :9000] [--certs-dir DIR] [--domain DOMAIN]
      storage-server gateway s3 [ENDPOINT] [--address :9000] [--certs-dir DIR] [--domain DOMAIN]
                            stateless replica over an S3-compatible store (also: `server` without DATA_DIR
                            and STORAGE_GATEWAY_ENDPOINT set)
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
      STORAGE_KMS_CACHE_TTL=60, STORAGE_KMS_BUCKET_KEY_TTL=300  seconds decrypted data keys / S3 Bucket Keys are reused (0 = off)

    S3 gateway (see README): STORAGE_GATEWAY_ENDPOINT (or the ENDPOINT argument), STORAGE_GATEWAY_ACCESS_KEY /
      STORAGE_GATEWAY_SECRET_KEY (or *_FILE), STORAGE_GATEWAY_BUCKET=B[/prefix] or STORAGE_GATEWAY_BUCKET_PREFIX,
      STORAGE_GATEWAY_REGION, _CA_FILE, _PATH_STYLE, _TIMEOUT, _CONNECT_TIMEOUT, _MAX_RETRIES, _PART_SIZE

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
    case "gateway" when args.Length > 1 && args[1] == "s3":
        break;
    case "gateway":
        Console.Error.WriteLine("storage-server: only 'storage-server gateway s3' is supported.");
        return 2;
    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        Console.Error.WriteLine(usage);
        return 2;
}

var gatewayCommand = args[0] == "gateway";
var arguments = args[(gatewayCommand ? 2 : 1)..];
if (arguments.Any(a => a is "--help" or "-h"))
{
    Console.Out.WriteLine(usage);
    return 0;
}

S3ServerOptions options;
SseStartup sse;
var warnings = new List<string>();
try
{
    // a copy of the environment: `gateway s3 ENDPOINT` puts its argument in here
    var environment = Environment.GetEnvironmentVariables();
    ServerCommandLine cli;
    S3GatewayOptions? gateway = null;
    if (gatewayCommand)
    {
        cli = ServerCommandLine.Parse(arguments, "ENDPOINT", required: false);
        if (cli.DataDirectory is { } endpoint)
        {
            environment[S3GatewayOptions.EndpointVariable] = endpoint;
        }

        gateway = S3GatewayOptions.FromEnvironment(environment);
    }
    else if (S3GatewayOptions.IsConfigured(environment))
    {
        cli = ServerCommandLine.Parse(arguments, "DATA_DIR", required: false);
        if (cli.DataDirectory is not null)
        {
            // refusing beats silently ignoring either: data would not go where the operator believes
            throw new ConfigurationException($"{S3GatewayOptions.EndpointVariable} is set, so objects live in the S3 gateway's backend and "
                + $"DATA_DIR '{cli.DataDirectory}' would not be used: remove one of them.");
        }

        gateway = S3GatewayOptions.FromEnvironment(environment);
    }
    else
    {
        cli = ServerCommandLine.Parse(arguments);
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    var credentials = CredentialsLoader.Load(Env, CredentialsLoader.ReadFileOrNull, warnings);
    options = new S3ServerOptions(
        gateway is null ? Path.GetFullPath(cli.DataDirectory!) : "",
        S3ServerOptions.ParseAddress(cli.Address),
        cli.CertsDirectory ?? S3ServerOptions.DefaultCertsDirectory,
        credentials,
        Env("STORAGE_REGION") ?? Env("MINIO_REGION") ?? "us-east-1",
        cli.Domain ?? Env("STORAGE_DOMAIN") ?? Env("MINIO_DOMAIN"))
    {
        Gateway = gateway,
        DirectIo = Env("STORAGE_ODIRECT")?.Trim().ToLowerInvariant() switch
        {
            null or "on" => true,
            "off" => false,
            var other => throw new ConfigurationException($"STORAGE_ODIRECT must be on or off, not '{other}'."),
        },
    };
    if (gateway is null)
    {
        Directory.CreateDirectory(options.DataDirectory);
    }

    sse = SseStartup.FromEnvironment(environment, options.CertsDirectory);
    if (gateway is not null && !sse.Policy.AutoEncryption)
    {
        warnings.Add("S3 gateway without auto-encryption: objects written without SSE headers reach the backend as plaintext "
            + "(set STORAGE_KMS_SECRET_KEY or STORAGE_KMS_KES_* and STORAGE_KMS_AUTO_ENCRYPTION=on).");
    }
}
catch (Exception e) when (e is ConfigurationException or KmsConfigurationException or S3GatewayConfigurationException)
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
if (options.Gateway is not null)
{
    // an unreachable backend does not stop a replica: readiness answers 503 (and the log says why) until it is back
    await app.Services.GetRequiredService<BackendReadiness>().CheckAsync(CancellationToken.None);
}

await app.StartAsync();
// Authority leaves out any user:password@ an endpoint URL might carry
var storage = options.Gateway is { } g ? $"S3 gateway: {g.Endpoint.Scheme}://{g.Endpoint.Authority}" : $"data: {options.DataDirectory}";
foreach (var url in app.Urls)
{
    Console.Out.WriteLine($"storage-server {ServerVersion.Version} listening on {url} ({storage}, region: {options.Region})");
    if (url.StartsWith("http://", StringComparison.Ordinal))
    {
        Console.Out.WriteLine($"TLS is off: no public.crt and private.key in {options.CertsDirectory}.");
    }
}

await app.WaitForShutdownAsync();
return 0;
