using System.Collections.Concurrent;
using System.Net;
using System.Text;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Runtime.Client;

namespace StorageOperator.Operator.Tests.Support;

/// <summary>
/// A scripted API server on loopback (the shape of kubernetes-client's MockKubeApiServer): list
/// requests and watch requests each get the next scripted answer, so informer edge cases (410,
/// broken and silent watches) happen exactly when a test wants them.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _lists = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _watches = new();

    private FakeApiServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Requests { get; } = new();

    public string Url => _app.Urls.First();

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeApiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public IKubernetes CreateClient() => KubeClientFactory.Create(new KubernetesClientConfiguration { Host = Url });

    public void OnList(Func<HttpContext, Task> answer) => _lists.Enqueue(answer);

    public void OnWatch(Func<HttpContext, Task> answer) => _watches.Enqueue(answer);

    public IReadOnlyList<string> WatchRequests => Requests.Where(r => r.Contains("watch=true", StringComparison.Ordinal)).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        var watch = context.Request.Query["watch"] == "true";
        var queue = watch ? _watches : _lists;
        if (queue.TryDequeue(out var answer))
        {
            await answer(context);
            return;
        }
        // Unscripted: a watch hangs until the client goes away, a list fails loudly.
        if (watch)
        {
            await Hang(context);
            return;
        }
        context.Response.StatusCode = 500;
    }

    public static Func<HttpContext, Task> List(string resourceVersion, params object[] items) => Page(resourceVersion, null, items);

    public static Func<HttpContext, Task> Page(string resourceVersion, string? continueToken, params object[] items) => async context =>
    {
        context.Response.ContentType = "application/json";
        var body = new { apiVersion = "v1", kind = "List", metadata = new { resourceVersion, @continue = continueToken }, items };
        await context.Response.WriteAsync(KubernetesJson.Serialize(body));
    };

    /// <summary>Streams the given events, then either closes the stream or keeps it open silently.</summary>
    public static Func<HttpContext, Task> Watch(bool hangAfter, params object[] events) => async context =>
    {
        context.Response.ContentType = "application/json";
        foreach (var e in events)
        {
            await context.Response.WriteAsync(KubernetesJson.Serialize(e) + "\n", Encoding.UTF8);
            await context.Response.Body.FlushAsync();
        }
        if (hangAfter)
        {
            await Hang(context);
        }
    };

    public static Func<HttpContext, Task> Status(int code) => context =>
    {
        context.Response.StatusCode = code;
        return Task.CompletedTask;
    };

    public static object Event(string type, object obj) => new { type, @object = obj };

    public static object ConfigMap(string name, string resourceVersion) => new
    {
        apiVersion = "v1",
        kind = "ConfigMap",
        metadata = new { name, @namespace = "ns", resourceVersion, uid = "uid-" + name },
    };

    public static object Expired() => Event("ERROR", new
    {
        apiVersion = "v1",
        kind = "Status",
        status = "Failure",
        reason = "Expired",
        code = 410,
        message = "too old resource version",
    });

    private static async Task Hang(HttpContext context)
    {
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
