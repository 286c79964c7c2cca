using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using StorageOperator.Crypto.Kms;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>
/// A minimal KES (create, generate, decrypt) over TLS with required client certificates, on a fixed loopback port so
/// it can be stopped and started again (a KMS outage). Keys survive restarts (they live in this object).
/// </summary>
internal sealed class FakeKes(X509Certificate2 serverCertificate, int port) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, KmsSecretKey> _keys = new();
    private WebApplication? _app;

    public Uri Endpoint => new($"https://127.0.0.1:{port}");

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (_, _, _) => true;
        })));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        using var body = await JsonDocument.ParseAsync(context.Request.Body).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        byte[] Bytes(string name) =>
            body is not null && body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty(name, out var v) ? v.GetBytesFromBase64() : [];
        switch (segments)
        {
            case ["v1", "key", "create", var name]:
                if (!_keys.TryAdd(name, new KmsSecretKey(RandomNumberGenerator.GetBytes(32))))
                {
                    await FailAsync(context, 400, "key already exists");
                }

                return;
            case ["v1", "key", "generate", var name]:
            {
                if (!_keys.TryGetValue(name, out var key))
                {
                    await FailAsync(context, 404, "key does not exist");
                    return;
                }

                var plaintext = RandomNumberGenerator.GetBytes(32);
                await context.Response.WriteAsJsonAsync(new { plaintext, ciphertext = key.Encrypt(plaintext, Bytes("context")) });
                return;
            }

            case ["v1", "key", "decrypt", var name]:
            {
                if (!_keys.TryGetValue(name, out var key))
                {
                    await FailAsync(context, 404, "key does not exist");
                    return;
                }

                try
                {
                    await context.Response.WriteAsJsonAsync(new { plaintext = key.Decrypt(Bytes("ciphertext"), Bytes("context")) });
                }
                catch (KmsException)
                {
                    await FailAsync(context, 400, "decryption failed: ciphertext is not authentic");
                }

                return;
            }

            case ["v1", "status"]:
                await context.Response.WriteAsJsonAsync(new { version = "fake" });
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private static Task FailAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { message });
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
