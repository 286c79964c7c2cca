using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StorageOperator.Crypto.Kms;

namespace StorageOperator.Crypto.Tests.Kms;

/// <summary>
/// A tiny KES on 127.0.0.1:0 over TLS that requires a client certificate (KES default RequireAnyClientCert), with
/// in-memory keys, KES's JSON errors and scriptable failures.
/// </summary>
internal sealed class FakeKesServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, KmsSecretKey> _keys = new();
    private readonly ConcurrentQueue<int> _scriptedStatuses = new();

    private FakeKesServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<(string Path, string Identity)> Requests { get; } = new();

    /// <summary>Identities (client SPKI hashes) refused with 403, KES "not authorized" style.</summary>
    public ConcurrentDictionary<string, bool> DeniedIdentities { get; } = new();

    /// <summary>When set, every request waits this long before answering.</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<FakeKesServer> StartAsync(X509Certificate2 serverCertificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (_, _, _) => true;
        })));
        var app = builder.Build();
        var server = new FakeKesServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Endpoint = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public void AddKey(string name) => _keys[name] = new KmsSecretKey(RandomNumberGenerator.GetBytes(32));

    public bool HasKey(string name) => _keys.ContainsKey(name);

    /// <summary>The next requests answer these statuses (with a KES JSON error) instead of being served.</summary>
    public void ScriptStatuses(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _scriptedStatuses.Enqueue(status);
        }
    }

    public int RequestCount(string pathPrefix) => Requests.Count(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    private async Task HandleAsync(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        var identity = certificate is null ? "" : Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue((path, identity));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        if (_scriptedStatuses.TryDequeue(out var scripted))
        {
            await FailAsync(context, scripted, scripted >= 500 ? "key store is unavailable" : "scripted failure");
            return;
        }

        if (DeniedIdentities.ContainsKey(identity))
        {
            await FailAsync(context, 403, "not authorized: insufficient permissions");
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        using var body = await ReadJsonAsync(context);
        switch (segments)
        {
            case ["v1", "status"] when context.Request.Method == "GET":
                await WriteJsonAsync(context, new { version = "fake-1.0", os = "linux", arch = "amd64", uptime = 1 });
                return;
            case ["v1", "key", "create", var name] when context.Request.Method is "POST" or "PUT":
                if (!_keys.TryAdd(name, new KmsSecretKey(RandomNumberGenerator.GetBytes(32))))
                {
                    await FailAsync(context, 400, "key already exists");
                    return;
                }

                context.Response.StatusCode = 200;
                return;
            case ["v1", "key", "generate", var name] when context.Request.Method is "POST" or "PUT":
            {
                if (!_keys.TryGetValue(name, out var key))
                {
                    await FailAsync(context, 404, "key does not exist");
                    return;
                }

                var associated = Bytes(body, "context");
                var plaintext = RandomNumberGenerator.GetBytes(32);
                await WriteJsonAsync(context, new { plaintext, ciphertext = key.Encrypt(plaintext, associated) });
                return;
            }

            case ["v1", "key", "decrypt", var name] when context.Request.Method is "POST" or "PUT":
            {
                if (!_keys.TryGetValue(name, out var key))
                {
                    await FailAsync(context, 404, "key does not exist");
                    return;
                }

                try
                {
                    await WriteJsonAsync(context, new { plaintext = key.Decrypt(Bytes(body, "ciphertext"), Bytes(body, "context")) });
                }
                catch (KmsException)
                {
                    await FailAsync(context, 400, "decryption failed: ciphertext is not authentic");
                }

                return;
            }

            default:
                context.Response.StatusCode = 404;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("404 page not found");
                return;
        }
    }

    private static byte[] Bytes(JsonDocument? body, string name) =>
        body is not null && body.RootElement.TryGetProperty(name, out var value) ? value.GetBytesFromBase64() : [];

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.Length == 0 ? null : JsonDocument.Parse(buffer.ToArray());
    }

    private static Task WriteJsonAsync(HttpContext context, object value)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    private static Task FailAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return WriteJsonAsync(context, new { message });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
