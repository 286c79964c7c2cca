using System.Collections.Concurrent;
using System.Security;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>
/// A minimal object store on Kestrel (127.0.0.1, port 0) that only authenticates, decodes and stores bodies,
/// so real S3 clients can exercise the authenticator over a real socket.
/// </summary>
internal sealed class SigV4TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SigV4TestServer(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();

    /// <summary>Payload mode and trailers of every authenticated PUT, in arrival order.</summary>
    public ConcurrentQueue<(PayloadMode Mode, IReadOnlyDictionary<string, string> Trailers)> Puts { get; } = new();

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public static async Task<SigV4TestServer> StartAsync(SigV4Authenticator authenticator)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new SigV4TestServer(app);
        app.Run(context => server.HandleAsync(context, authenticator));
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The SDK checks the ETag of a single-part upload against its own MD5.
    private static string ETag(byte[] data) => $"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"";

    private async Task HandleAsync(HttpContext context, SigV4Authenticator authenticator)
    {
        try
        {
            var auth = authenticator.Authenticate(context.Request);
            var key = context.Request.Path.Value!;
            switch (context.Request.Method)
            {
                case "PUT":
                {
                    await using var body = auth.WrapBody(context.Request.Body);
                    var data = new MemoryStream();
                    await body.CopyToAsync(data);
                    Objects[key] = data.ToArray();
                    Puts.Enqueue((auth.Payload, auth.Trailers));
                    context.Response.Headers.ETag = ETag(Objects[key]);
                    return;
                }

                case "GET" when Objects.TryGetValue(key, out var stored):
                    context.Response.ContentLength = stored.Length;
                    context.Response.Headers.ETag = ETag(stored);
                    await context.Response.Body.WriteAsync(stored);
                    return;

                default:
                    throw new S3Exception(S3ErrorCode.NoSuchKey);
            }
        }
        catch (S3Exception e)
        {
            context.Response.StatusCode = e.HttpStatus;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{e.Info.Code}</Code><Message>{SecurityElement.Escape(e.Message)}</Message></Error>");
        }
    }
}
