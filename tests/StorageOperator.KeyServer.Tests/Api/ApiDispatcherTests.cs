using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using StorageOperator.KeyServer.Api;
using StorageOperator.KeyServer.Configuration;
using StorageOperator.KeyServer.Hosting;
using StorageOperator.KeyServer.KeyStores;
using StorageOperator.KeyServer.Observability;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Api;

/// <summary>Dispatcher paths that a well-behaved TLS client cannot reach: timeouts, crashes, plain HTTP, CA certs.</summary>
public sealed class ApiDispatcherTests
{
    private static readonly Route[] Routes =
    [
        new("PUT", "/slow/", RouteTable.MiB, TimeSpan.FromMilliseconds(50), RouteAuth.Policy, async r =>
        {
            await Task.Delay(Timeout.Infinite, r.CancellationToken);
            return ApiResult.Empty;
        }),
        new("GET", "/boom", 0, TimeSpan.FromSeconds(5), RouteAuth.Policy, _ => throw new InvalidOperationException("bug")),
        new("GET", "/ok", 0, TimeSpan.FromSeconds(5), RouteAuth.Policy, _ => Task.FromResult(ApiResult.Ok(new { fine = true }))),
    ];

    private readonly StringWriter _audit = new();

    private ApiDispatcher Dispatcher()
    {
        var config = new KeyServerConfig { AdminIdentity = TestPki.IdentityOf(TestPki.Instance.Admin) };
        var runtime = new KeyServerRuntime(config, new MemoryKeyStore(), new AuditLog(_audit, ownsWriter: false), NullLogger.Instance, TimeProvider.System);
        return new ApiDispatcher(runtime, Routes);
    }

    private async Task<(int Status, string? Message)> Invoke(string method, string path, string scheme = "https", System.Security.Cryptography.X509Certificates.X509Certificate2? cert = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Scheme = scheme;
        context.Connection.ClientCertificate = cert ?? TestPki.Instance.Admin;
        var body = new MemoryStream();
        context.Response.Body = body;
        await Dispatcher().InvokeAsync(context);
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        var message = text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        return (context.Response.StatusCode, message);
    }

    [Fact]
    public async Task A_handler_past_its_route_timeout_is_503() =>
        Assert.Equal((503, "request timed out"), await Invoke("PUT", "/slow/x"));

    [Fact]
    public async Task An_unexpected_exception_is_500_without_details_and_is_audited()
    {
        Assert.Equal((500, "internal server error"), await Invoke("GET", "/boom"));
        Assert.Contains("\"status\":500", _audit.ToString());
    }

    [Fact]
    public async Task Plain_http_is_400_TLS_required() =>
        Assert.Equal((400, "insecure connection: TLS is required"), await Invoke("GET", "/ok", scheme: "http"));

    [Fact]
    public async Task A_CA_certificate_is_not_a_client_identity() =>
        Assert.Equal((400, "tls: client certificate is required"), await Invoke("GET", "/ok", cert: TestPki.Instance.Ca));

    [Fact]
    public async Task The_happy_path_and_post_for_put()
    {
        Assert.Equal((200, null), await Invoke("GET", "/ok"));
        Assert.Equal((503, "request timed out"), await Invoke("POST", "/slow/y"));
    }
}
