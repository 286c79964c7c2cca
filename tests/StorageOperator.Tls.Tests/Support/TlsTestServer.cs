using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StorageOperator.Tls.Tests.Support;

/// <summary>A real Kestrel server on 127.0.0.1:0 serving TLS from a certs folder. GET / answers the client identity.</summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"https://127.0.0.1:{Port}/");

    public static async Task<TlsTestServer> StartAsync(
        CertificateFolder folder,
        ClientCertificateMode clientMode = ClientCertificateMode.NoCertificate,
        Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? clientCertificateValidation = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseCertificateFolder(folder, clientMode, clientCertificateValidation)));
        var app = builder.Build();
        app.MapGet("/", (HttpContext context) =>
            context.Connection.ClientCertificate is { } cert ? CertificateIdentity.Compute(cert) : "anonymous");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TlsTestServer(app, new Uri(address).Port);
    }

    /// <summary>A fresh TCP connection and TLS handshake; returns what the server presented and what was negotiated.</summary>
    public async Task<(X509Certificate2 Certificate, SslProtocols Protocol)> HandshakeAsync(
        string targetHost = "127.0.0.1", SslProtocols protocols = SslProtocols.None, X509Certificate2? clientCertificate = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        await using var ssl = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            EnabledSslProtocols = protocols,
            // The tests inspect the presented certificate themselves.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }

        await ssl.AuthenticateAsClientAsync(options, timeout.Token);
        var presented = X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
        return (presented, ssl.SslProtocol);
    }

    /// <summary>An HttpClient that trusts only <paramref name="root"/> and optionally presents a client certificate.</summary>
    public HttpClient CreateClient(X509Certificate2 root, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is not null && TestCertificates.Verify(
                        X509CertificateLoader.LoadCertificate(cert.GetRawCertData()), root, TestCertificates.ServerAuth).Valid,
            },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
