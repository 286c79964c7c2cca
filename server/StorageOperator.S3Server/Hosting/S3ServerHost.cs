using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Handlers;
using StorageOperator.S3Server.Hosting.Transport;
using StorageOperator.S3Server.Observability;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.Storage;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.S3Gateway;
using StorageOperator.Tls;

namespace StorageOperator.S3Server.Hosting;

/// <summary>Builds the storage server's web application: Kestrel limits, TLS from the certs folder, services, the S3 pipeline.</summary>
public static class S3ServerHost
{
    /// <param name="backend">null: the S3 gateway when <see cref="S3ServerOptions.Gateway"/> is set, else the filesystem backend on
    /// <see cref="S3ServerOptions.DataDirectory"/>. A given backend stays the caller's to dispose.</param>
    /// <param name="configureLogging">optional logging override (tests lower the level).</param>
    /// <param name="sse">KMS client and encryption policy (null: no KMS; SSE-C still works). The server disposes it when it stops.</param>
    public static WebApplication Build(S3ServerOptions options, IStorageBackend? backend = null, Action<ILoggingBuilder>? configureLogging = null,
        TimeProvider? time = null, SseStartup? sse = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // per-request lines come from our middleware (with the S3 operation and request id); the framework's are noise
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var certificates = new CertificateFolder(options.CertsDirectory, null, options.CertificatePollInterval);
        var tls = certificates.HasServerCertificate;
        builder.Services.AddSingleton(certificates);
        // registered after Kestrel's default, so Kestrel's transport, TLS and HTTP layers get 64 KiB blocks
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // object routes stream up to 5 GiB; small documents are bounded by their handlers
            kestrel.Limits.MinRequestBodyDataRate = null; // slow uploads of big objects are legitimate
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.MaxRequestLineSize = 16 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 200;

            // user metadata may be raw UTF-8 (MinIO accepts it; SigV4 signs the bytes), so decode and echo headers as UTF-8
            kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.UTF8;
            kestrel.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.UTF8;
            kestrel.Listen(options.Address, listen =>
            {
                if (tls)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseCertificateFolder(certificates);
                }
                else
                {
                    listen.Protocols = HttpProtocols.Http1;
                }
            });
        });

        var services = builder.Services;
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(new S3ServerSettings(options.Region, options.Domain));
        services.AddSingleton<ICredentialProvider>(new StaticCredentialProvider(options.Credentials));
        services.AddSingleton(sp => new SigV4Authenticator(sp.GetRequiredService<ICredentialProvider>(), options.Region, sp.GetRequiredService<TimeProvider>()));
        if (backend is not null)
        {
            services.AddSingleton(backend);
        }
        else if (options.Gateway is { } gateway)
        {
            // created by the container, so disposed with it
            services.AddSingleton<IStorageBackend>(sp => new S3GatewayBackend(gateway, sp.GetRequiredService<ILogger<S3GatewayBackend>>()));
        }
        else
        {
            services.AddSingleton<IStorageBackend>(sp => new FileSystemBackend(options.DataDirectory, sp.GetRequiredService<ILogger<FileSystemBackend>>(),
                directIo: options.DirectIo));
        }

        services.AddSingleton(sp => new BackendReadiness(
            sp.GetRequiredService<IStorageBackend>() is S3GatewayBackend remote ? remote.ProbeAsync : null,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BackendReadiness>>()));

        var encryption = sse ?? SseStartup.None;
        services.AddSingleton(encryption);
        services.AddSingleton(sp => new SseObjectCodec(sp.GetRequiredService<IStorageBackend>(), encryption.Kms, encryption.Policy, encryption.BucketKeys));
        services.AddSingleton<BucketEncryptionHandlers>();
        services.AddSingleton<BucketHandlers>();
        services.AddSingleton<ObjectReadHandlers>();
        services.AddSingleton<ObjectWriteHandlers>();
        services.AddSingleton<CopyHandlers>();
        services.AddSingleton<ListHandlers>();
        services.AddSingleton<MultipartHandlers>();
        services.AddSingleton<PostObjectHandlers>();
        services.AddSingleton<S3Dispatcher>();
        services.AddSingleton<S3Telemetry>();

        var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("storage-server", serviceVersion: ServerVersion.Version))
            .WithMetrics(m =>
            {
                m.AddMeter(S3Telemetry.Name).AddRuntimeInstrumentation().AddPrometheusExporter();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            otel.WithTracing(t => t.AddSource(S3Telemetry.Name).AddOtlpExporter());
        }

        var app = builder.Build();

        // Open the backend now: start-up recovery (temp cleanup, data-dir lock) must happen before serving, not on the first request.
        app.Services.GetRequiredService<IStorageBackend>();
        var sighup = certificates.ReloadOnSighup(); // MinIO reloads certificates on SIGHUP too
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            sighup.Dispose();
            certificates.Dispose();
            encryption.Dispose();
        });
        app.UseMiddleware<S3Middleware>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
