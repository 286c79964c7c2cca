using System.Threading.Channels;
using k8s;
using k8s.Models;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Conformance;

public sealed class WatchTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private IKubernetes Client => fx.Client;

    private static V1Secret Secret(string name, string tier = "a") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } },
        StringData = new Dictionary<string, string> { ["k"] = "v" },
    };

    /// <summary>Runs a watch in the background, collecting events into a channel.</summary>
    private static (ChannelReader<(WatchEventType Type, V1Secret Object)> Events, Task Completion) Start(
        IAsyncEnumerable<(WatchEventType, V1Secret)> watch, CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<(WatchEventType, V1Secret)>();
        var completion = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, item) in watch)
                {
                    await channel.Writer.WriteAsync((type, item), ct);
                }
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, ct);
        return (channel.Reader, completion);
    }

    private static async Task<(WatchEventType Type, V1Secret Object)> Next(ChannelReader<(WatchEventType, V1Secret)> reader)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadAsync(cts.Token);
    }

    [Fact]
    public async Task Watch_without_resourceVersion_sends_initial_ADDED_then_changes()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("existing"), ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, _) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns, cancellationToken: cts.Token), cts.Token);

        var initial = await Next(events);
        Assert.Equal((WatchEventType.Added, "existing"), (initial.Type, initial.Object.Metadata.Name));

        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("new"), ns);
        await Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "new", ns);
        await Client.CoreV1.DeleteNamespacedSecretAsync("new", ns);

        Assert.Equal((WatchEventType.Added, "new"), ((await Next(events)).Type, "new"));
        var modified = await Next(events);
        Assert.Equal(WatchEventType.Modified, modified.Type);
        Assert.Equal("y", modified.Object.Metadata.Labels["x"]);
        Assert.Equal(WatchEventType.Deleted, (await Next(events)).Type);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Watch_from_a_resourceVersion_replays_only_later_events()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("before"), ns);
        var list = await Client.CoreV1.ListNamespacedSecretAsync(ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("after"), ns);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, _) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns,
            resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token), cts.Token);
        var first = await Next(events);
        Assert.Equal((WatchEventType.Added, "after"), (first.Type, first.Object.Metadata.Name));
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_gets_410_Gone()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("s"), ns);
        var list = await Client.CoreV1.ListNamespacedSecretAsync(ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("t"), ns);
        fx.Emulator.CompactHistory();

        // the client reports an ERROR event carrying a Status through onError, then the stream ends
        var errors = new List<Exception>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, completion) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns,
            resourceVersion: list.Metadata.ResourceVersion, onError: errors.Add, cancellationToken: cts.Token), cts.Token);
        await completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(await events.WaitToReadAsync());
        var e = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, e.Status.Code);
        Assert.Equal("Expired", e.Status.Reason);
    }

    [Fact]
    public async Task Watch_sends_bookmarks_when_asked()
    {
        var ns = await fx.NewNamespaceAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, _) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns,
            resourceVersion: "0", allowWatchBookmarks: true, cancellationToken: cts.Token), cts.Token);
        var bookmark = await Next(events);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.True(long.Parse(bookmark.Object.Metadata.ResourceVersion) > 0);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task SendInitialEvents_ends_the_initial_list_with_an_annotated_bookmark()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("one"), ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("two"), ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, _) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, sendInitialEvents: true,
            resourceVersionMatch: "NotOlderThan", cancellationToken: cts.Token), cts.Token);

        Assert.Equal((WatchEventType.Added, "one"), Summary(await Next(events)));
        Assert.Equal((WatchEventType.Added, "two"), Summary(await Next(events)));
        var end = await Next(events);
        Assert.Equal(WatchEventType.Bookmark, end.Type);
        Assert.Equal("true", end.Object.Metadata.Annotations["k8s.io/initial-events-end"]);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Label_selector_watch_sees_objects_leave_and_enter_the_selection()
    {
        var ns = await fx.NewNamespaceAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var list = await Client.CoreV1.ListNamespacedSecretAsync(ns);
        var (events, _) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns,
            labelSelector: "tier=a", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token), cts.Token);
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("other", tier: "b"), ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("s"), ns);
        await Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"tier":"b"}}}""", V1Patch.PatchType.MergePatch), "s", ns);
        await Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"tier":"a"}}}""", V1Patch.PatchType.MergePatch), "s", ns);

        Assert.Equal((WatchEventType.Added, "s"), Summary(await Next(events)));
        Assert.Equal((WatchEventType.Deleted, "s"), Summary(await Next(events)));
        Assert.Equal((WatchEventType.Added, "s"), Summary(await Next(events)));
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Dropping_watches_ends_the_stream_so_clients_must_reconnect()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("first"), ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, completion) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns, cancellationToken: cts.Token), cts.Token);
        Assert.Equal("first", (await Next(events)).Object.Metadata.Name);

        Assert.True(fx.Emulator.DropWatches() > 0);
        await completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(await events.WaitToReadAsync());
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_watch()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("first"), ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (events, completion) = Start(Client.CoreV1.WatchListNamespacedSecretAsync(ns, timeoutSeconds: 1, cancellationToken: cts.Token), cts.Token);
        Assert.Equal("first", (await Next(events)).Object.Metadata.Name);
        await completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static (WatchEventType, string) Summary((WatchEventType Type, V1Secret Object) e) => (e.Type, e.Object.Metadata.Name);
}
