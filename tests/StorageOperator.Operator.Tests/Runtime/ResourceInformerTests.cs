using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Informers;
using StorageOperator.Operator.Tests.Support;
using Xunit;
using static StorageOperator.Operator.Tests.Support.FakeApiServer;

namespace StorageOperator.Operator.Tests.Runtime;

/// <summary>Informer behaviour against a scripted API server over a real socket and the real client.</summary>
public sealed class ResourceInformerTests
{
    private static readonly InformerOptions Fast = new()
    {
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(10),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    private sealed class Recorder
    {
        private readonly Lock _lock = new();
        private readonly List<string> _events = [];

        public void On(WatchEventType type, V1ConfigMap cm)
        {
            lock (_lock)
            {
                _events.Add($"{type} {cm.Metadata.Name}");
            }
        }

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_lock)
                {
                    return [.. _events];
                }
            }
        }
    }

    private static (ResourceInformer<V1ConfigMap> Informer, Recorder Recorder) NewInformer(FakeApiServer server, InformerOptions options)
    {
        var informer = new ResourceInformer<V1ConfigMap>(new ResourceClient<V1ConfigMap>(server.CreateClient()), "ns", options, NullLogger.Instance);
        var recorder = new Recorder();
        informer.Subscribe(recorder.On);
        return (informer, recorder);
    }

    [Fact]
    public async Task Relists_on_410_and_emits_synthetic_deletes_for_vanished_objects()
    {
        await using var server = await StartAsync();
        server.OnList(List("10", ConfigMap("a", "1"), ConfigMap("b", "2")));
        server.OnWatch(Watch(hangAfter: false, Event("ADDED", ConfigMap("c", "11")), Expired()));
        server.OnList(List("20", ConfigMap("a", "1"), ConfigMap("c", "11"), ConfigMap("d", "12")));
        var (informer, recorder) = NewInformer(server, Fast);

        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.ReadyAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => server.WatchRequests.Count >= 2, "a second watch after the relist");

        Assert.Equal(["Added a", "Added b", "Added c", "Deleted b", "Added d"], recorder.Events);
        Assert.Equal(["a", "c", "d"], informer.List().Select(c => c.Metadata.Name).Order());
        Assert.Null(informer.Get(new ObjectKey("ns", "b")));
        Assert.Equal(2, informer.ListCount);
        Assert.Contains("resourceVersion=10", server.WatchRequests[0]);
        Assert.Contains("resourceVersion=20", server.WatchRequests[1]);
        Assert.Contains("allowWatchBookmarks=true", server.WatchRequests[0]);
        Assert.StartsWith("/api/v1/namespaces/ns/configmaps", server.WatchRequests[0]);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Reconnects_after_a_failed_watch_from_the_last_resource_version_without_relisting()
    {
        await using var server = await StartAsync();
        server.OnList(List("5"));
        server.OnWatch(Status(500));
        server.OnWatch(Watch(hangAfter: false, Event("ADDED", ConfigMap("x", "6")), Event("BOOKMARK", new { apiVersion = "v1", kind = "ConfigMap", metadata = new { resourceVersion = "9" } })));
        var (informer, recorder) = NewInformer(server, Fast);

        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await Poll.UntilAsync(() => server.WatchRequests.Count >= 3, "a third watch");

        Assert.Equal(1, informer.ListCount);
        Assert.Equal(["Added x"], recorder.Events);
        Assert.Contains("resourceVersion=5", server.WatchRequests[1]);
        Assert.Contains("resourceVersion=9", server.WatchRequests[2]);
        Assert.NotNull(informer.Get(new ObjectKey("ns", "x")));

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Watchdog_restarts_a_silent_watch()
    {
        await using var server = await StartAsync();
        server.OnList(List("7", ConfigMap("a", "3")));
        server.OnWatch(Watch(hangAfter: true));
        var (informer, _) = NewInformer(server, Fast with { SilenceTimeout = TimeSpan.FromMilliseconds(300) });

        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await Poll.UntilAsync(() => server.WatchRequests.Count >= 2, "the watchdog to open a second watch");

        Assert.Equal(1, informer.ListCount);
        Assert.Contains("resourceVersion=7", server.WatchRequests[1]);
        Assert.True(informer.IsReady);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Ready_waits_for_a_successful_list()
    {
        await using var server = await StartAsync();
        server.OnList(Status(503));
        server.OnList(List("1", ConfigMap("a", "1")));
        var (informer, recorder) = NewInformer(server, Fast);

        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.ReadyAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["Added a"], recorder.Events);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Lists_page_by_page_and_watches_from_the_last_pages_resource_version()
    {
        await using var server = await StartAsync();
        server.OnList(Page("30", "page-2", ConfigMap("a", "1")));
        server.OnList(Page("31", null, ConfigMap("b", "2")));
        var (informer, recorder) = NewInformer(server, Fast with { PageSize = 1 });

        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await Poll.UntilAsync(() => server.WatchRequests.Count >= 1, "the first watch");

        var lists = server.Requests.Where(r => !r.Contains("watch=true", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lists.Count);
        Assert.Contains("limit=1", lists[0]);
        Assert.Contains("continue=page-2", lists[1]);
        Assert.Contains("resourceVersion=31", server.WatchRequests[0]);
        Assert.Equal(["Added a", "Added b"], recorder.Events);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
