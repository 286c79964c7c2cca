using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using OpenTelemetry.Trace;
using StorageOperator.KeyServer.Api;
using StorageOperator.KeyServer.Configuration;
using StorageOperator.KeyServer.Keys;
using StorageOperator.KeyServer.KeyStores;
using StorageOperator.KeyServer.Observability;

namespace StorageOperator.KeyServer.Hosting;

/// <summary>
/// A running key server: Kestrel over TLS 1.2+ with required client certificates (any chain unless
/// <c>tls.auth: on</c>; trust comes from identity pinning), the KES route table, and config reload.
/// </summary>
public sealed class KeyServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConfigWatcher? _watcher;

    private KeyServerHost(WebApplication app, KeyServerRuntime runtime, ConfigWatcher? watcher, Uri address)
    {
        _app = app;
        Runtime = runtime;
        _watcher = watcher;
        Address = address;
    }

    /// <summary>The bound address, e.g. https://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    public KeyServerRuntime Runtime { get; }

    public static Task<KeyServerHost> StartAsync(string configPath, CancellationToken cancellationToken) =>
        StartAsync(new KeyServerOptions { ConfigPath = configPath }, cancellationToken);

    public static async Task<KeyServerHost> StartAsync(KeyServerOptions options, CancellationToken cancellationToken)
    {
        var configBytes = options.ConfigPath is not null ? await File.ReadAllBytesAsync(options.ConfigPath, cancellationToken) : [];
        var config = options.ConfigPath is not null
            ? ConfigParser.Parse(new StreamReader(new MemoryStream(configBytes)).ReadToEnd(), options.Environment)
            : options.Config ?? throw new ArgumentException("ConfigPath or Config is required.", nameof(options));
        var endpoint = ParseAddress(options.Address ?? config.Address);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var errorStream = new EventBroadcaster<ErrorEvent>();
        builder.Logging.ClearProviders();
        if (config.Log.Error)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);

        builder.Services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing.AddSource(KeyServerTelemetry.SourceName).AddAspNetCoreInstrumentation();
            if (!string.IsNullOrEmpty(options.Environment("OTEL_EXPORTER_OTLP_ENDPOINT")))
            {
                tracing.AddOtlpExporter();
            }
        });

        // Logging is configured before the runtime exists, so the metrics it counts into are made first.
        var metrics = new KeyServerMetrics();
        builder.Logging.AddProvider(new ErrorStreamLoggerProvider(errorStream, metrics));

        var certificates = new ServerCertificateProvider(config.Tls);
        var clientCas = LoadClientCas(config.Tls);
        var routes = RouteTable.Create(config.Api);
        var anySkipAuth = routes.Any(r => r.Auth == RouteAuth.None && r.Path != "/version");

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 2 * RouteTable.MiB;
            kestrel.Listen(endpoint, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificates.Current,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                        ValidateClient(certificate as X509Certificate2, clientCas, requireCertificate: !anySkipAuth),
                    ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                }),
            }));
        });

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("key-server");
        certificates.Logger = logger;
        KeyServerRuntime runtime;
        Uri address;
        try
        {
            var keyStore = CreateKeyStore(config.KeyStore);
            var audit = options.AuditWriter is not null
                ? new AuditLog(options.AuditWriter, ownsWriter: false)
                : AuditLog.Open(config.Log.Audit, config.Log.AuditFile);
            runtime = new KeyServerRuntime(config, keyStore, audit, logger, options.Time, metrics, errorStream);
            await CreateStartupKeysAsync(runtime, config, cancellationToken);

            var dispatcher = new ApiDispatcher(runtime, routes);
            app.Run(dispatcher.InvokeAsync);
            await app.StartAsync(cancellationToken);
            address = BoundAddress(app, endpoint);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var watcher = options.ConfigPath is null
            ? null
            : new ConfigWatcher(options.ConfigPath, configBytes, options.ConfigPollInterval, options.Environment, runtime.ApplyReloadedConfig, certificates.ReloadIfChanged, logger);
        logger.LogInformation("key server listening on {Address} ({Store} keystore, admin {Admin})",
            address, runtime.KeyStore is FileSystemKeyStore ? "fs" : "in-memory", config.AdminIdentity is null ? "disabled" : "enabled");
        return new KeyServerHost(app, runtime, watcher, address);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        Runtime.Audit.Dispose();
    }

    private static Uri BoundAddress(WebApplication app, IPEndPoint endpoint)
    {
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : endpoint.Address.ToString();
        if (endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && host != "127.0.0.1")
        {
            host = $"[{host}]";
        }

        return new UriBuilder("https", host, port).Uri;
    }

    public static IPEndPoint ParseAddress(string address)
    {
        if (address.StartsWith(':'))
        {
            address = "0.0.0.0" + address;
        }

        if (address.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            address = "127.0.0.1" + address["localhost".Length..];
        }

        return IPEndPoint.TryParse(address, out var endpoint) && address.Contains(':')
            ? endpoint
            : throw new ConfigException([$"address: '{address}' is not ip:port"]);
    }

    private static bool ValidateClient(X509Certificate2? certificate, X509Certificate2Collection? cas, bool requireCertificate)
    {
        if (certificate is null)
        {
            return !requireCertificate;
        }

        if (cas is null)
        {
            return true; // KES's default: any certificate; the identity is what gets authorized
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }

    private static X509Certificate2Collection? LoadClientCas(TlsConfig tls)
    {
        if (!tls.VerifyClientCertificates)
        {
            return null;
        }

        if (tls.CaPath is null)
        {
            throw new ConfigException(["tls.auth is on but tls.ca is not set"]);
        }

        var cas = StorageOperator.Tls.PemFiles.LoadCertificates(tls.CaPath);
        return cas.Count > 0 ? cas : throw new ConfigException([$"tls.ca: no certificates in '{tls.CaPath}'"]);
    }

    private static IKeyStore CreateKeyStore(KeyStoreConfig config) => config switch
    {
        FileSystemKeyStoreConfig fs => new FileSystemKeyStore(fs.Path, RootKey.Load(fs.RootKey, fs.RootKeyFile)),
        _ => new MemoryKeyStore(),
    };

    private static async Task CreateStartupKeysAsync(KeyServerRuntime runtime, KeyServerConfig config, CancellationToken cancellationToken)
    {
        foreach (var name in config.Keys)
        {
            try
            {
                var key = SecretKey.Generate(KeyAlgorithmNames.DefaultForThisMachine(), config.AdminIdentity ?? "", runtime.Time.GetUtcNow());
                await runtime.KeyStore.CreateAsync(name, key, cancellationToken);
                runtime.Logger.LogInformation("created key {Name}", name);
            }
            catch (KeyStoreException e) when (e.Error == KeyStoreError.Exists)
            {
                // already there from an earlier start: the usual case
            }
        }
    }
}
