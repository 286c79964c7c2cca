using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Controllers.Events;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Runtime.Apply;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Hosting;
using StorageOperator.Operator.Runtime.LeaderElection;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Runtime.Telemetry;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Hosting;

/// <summary>Composition root of <c>storage-operator run</c>; tests build the same app in-process.</summary>
public static class OperatorApp
{
    /// <param name="services">replaces registrations after the defaults (tests inject a clock, a key-server probe and a backend probe).</param>
    public static WebApplication Build(OperatorOptions options, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Probe and scrape requests arrive every few seconds; they are not news.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(k => k.Listen(ParseEndpoint(options.MetricsAddress)));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(20));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IKubernetes>(_ => KubeClientFactory.Create(KubeClientFactory.LoadConfiguration(options.Kubeconfig)));
        builder.Services.AddSingleton(new ControllerHostOptions { Namespace = options.Namespace, Workers = options.Workers });
        builder.Services.AddSingleton<OperatorTelemetry>();
        builder.Services.AddSingleton<ControllerHost>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => ReconcileSettings.FromEnvironment());
        builder.Services.AddSingleton(sp => new StatusWriter(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new FinalizerClient(sp.GetRequiredService<IKubernetes>()));
        builder.Services.AddSingleton(sp => new ServerSideApply(sp.GetRequiredService<IKubernetes>()));
        builder.Services.AddSingleton<ChildWriter>();
        builder.Services.AddSingleton<CertificateIssuer>();
        builder.Services.AddSingleton<NamespaceCaStore>();
        builder.Services.AddSingleton<LeafCertificates>();
        builder.Services.AddSingleton<TlsProvisioner>();
        builder.Services.AddSingleton<EventRecorder>();
        builder.Services.AddSingleton<CertificateExpiryMetrics>();
        builder.Services.AddSingleton<IKeyServerProbe>(_ => new KesKeyServerProbe());
        builder.Services.AddSingleton<IBackendProbe>(_ => new S3BackendProbe());
        builder.Services.AddSingleton<ObjectStoreController>();
        builder.Services.AddSingleton<KeyServerController>();
        builder.Services.AddSingleton(new LeaderElectionOptions
        {
            LeaseNamespace = options.LeaderElectionNamespace ?? options.Namespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default",
        });
        builder.Services.AddSingleton<LeaderElection>();
        builder.Services.AddHostedService<OperatorService>();
        services?.Invoke(builder.Services);

        builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter(OperatorTelemetry.Name).AddPrometheusExporter())
            .WithTracing(t =>
            {
                t.AddSource(OperatorTelemetry.Name);
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
                {
                    t.AddOtlpExporter();
                }
            });

        var app = builder.Build();
        var host = app.Services.GetRequiredService<ControllerHost>();
        ControllerRegistration.Register(host, app.Services.GetRequiredService<ObjectStoreController>(), app.Services.GetRequiredService<KeyServerController>());

        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () =>
        {
            // A standby replica is ready (it can take over); a leader once its caches are synced.
            var election = app.Services.GetRequiredService<LeaderElection>();
            var ready = options.LeaderElect && !election.IsLeader || host.IsSynced;
            return ready ? Results.Text("ok") : Results.Text("informers not synced", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    public static IPEndPoint ParseEndpoint(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var port))
        {
            throw new FormatException($"--metrics-address \"{address}\" must be host:port");
        }
        var host = address[..colon].Trim('[', ']');
        var ip = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        return new IPEndPoint(ip, port);
    }
}
