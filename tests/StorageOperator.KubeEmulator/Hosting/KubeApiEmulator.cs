using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StorageOperator.KubeEmulator.Api;
using StorageOperator.KubeEmulator.Resources;
using StorageOperator.KubeEmulator.Storage;

namespace StorageOperator.KubeEmulator.Hosting;

/// <summary>
/// A Kubernetes API server emulator on 127.0.0.1 for tests and for pointing kubectl at: in-memory storage,
/// discovery, CRDs, watches, patches, server-side apply and schema validation. Like envtest it runs no
/// controllers besides garbage collection, so workload status stays as written.
/// </summary>
public sealed class KubeApiEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorCertificates? _certificates;
    private readonly CancellationTokenSource _shutdown;
    private readonly string _token;

    private KubeApiEmulator(WebApplication app, EmulatorCertificates? certificates, CancellationTokenSource shutdown, string token,
        Uri baseAddress, ObjectStore store, ResourceOperations operations, ResourceRegistry registry)
    {
        _app = app;
        _certificates = certificates;
        _shutdown = shutdown;
        _token = token;
        BaseAddress = baseAddress;
        Store = store;
        Operations = operations;
        Registry = registry;
    }

    public Uri BaseAddress { get; }

    /// <summary>The bearer token the server accepts.</summary>
    public string Token => _token;

    /// <summary>The CA that signed the server certificate (null over plain HTTP).</summary>
    public X509Certificate2? CaCertificate => _certificates?.Ca;

    public ObjectStore Store { get; }

    /// <summary>Signalled when the process is asked to stop (Ctrl-C, SIGTERM).</summary>
    public CancellationToken StopRequested => _app.Lifetime.ApplicationStopping;

    /// <summary>Direct access to the API semantics, bypassing HTTP (for test setup).</summary>
    public ResourceOperations Operations { get; }

    public ResourceRegistry Registry { get; }

    public KubernetesClientConfiguration ClientConfiguration => new()
    {
        Host = BaseAddress.ToString().TrimEnd('/'),
        AccessToken = _token,
        SslCaCerts = _certificates is null ? null : new X509Certificate2Collection(_certificates.Ca),
    };

    public IKubernetes CreateClient() => new Kubernetes(ClientConfiguration);

    public static async Task<KubeApiEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        var token = options.Token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var certificates = options.UseHttp ? null : EmulatorCertificates.Create();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(KubeApiEmulator).Assembly.GetName().Name });
        if (!options.Verbose)
        {
            builder.Logging.ClearProviders();
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            // every informer of an HTTP/2 client (kubectl, client-go) holds a stream open for its watch
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (certificates is not null)
                {
                    listen.UseHttps(certificates.Server, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
                }
            });
        });
        var app = builder.Build();

        var store = new ObjectStore(options.HistoryCapacity);
        var registry = new ResourceRegistry();
        var operations = new ResourceOperations(store, registry);
        var namespaceDef = BuiltinResources.All.First(BuiltinResources.IsNamespace);
        foreach (var ns in options.InitialNamespaces)
        {
            operations.Create(namespaceDef, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, dryRun: false);
        }
        var shutdown = new CancellationTokenSource();
        Uri? baseAddress = null;
        var server = new ApiServer(operations, registry, Encoding.UTF8.GetBytes(token), options.BookmarkInterval,
            () => baseAddress?.Authority ?? "127.0.0.1", shutdown.Token);
        app.Run(server.HandleAsync);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        baseAddress = new Uri($"{(certificates is null ? "http" : "https")}://127.0.0.1:{port}/");
        return new KubeApiEmulator(app, certificates, shutdown, token, baseAddress, store, operations, registry);
    }

    /// <summary>Writes a kubeconfig for this emulator and returns its full path.</summary>
    public string WriteKubeconfig(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Kubeconfig.Render(BaseAddress, _certificates?.CaPem(), _token));
        return full;
    }

    /// <summary>Test hook: forget watch history so resuming from any earlier resourceVersion yields 410 Gone.</summary>
    public void CompactHistory() => Store.CompactHistory();

    /// <summary>Test hook: end every open watch connection; returns how many there were.</summary>
    public int DropWatches() => Store.DropWatches();

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        Store.DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificates?.Dispose();
        _shutdown.Dispose();
    }
}
