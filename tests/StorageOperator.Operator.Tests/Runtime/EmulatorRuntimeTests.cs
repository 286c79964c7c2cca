using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using StorageOperator.KubeEmulator.Hosting;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Apply;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Hosting;
using StorageOperator.Operator.Runtime.Informers;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Runtime.Telemetry;
using StorageOperator.Operator.Tests.Support;
using Xunit;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Tests.Runtime;

/// <summary>Runtime pieces against the API emulator through the real client.</summary>
public sealed class EmulatorRuntimeTests
{
    private static readonly InformerOptions Fast = new()
    {
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(10),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    private static V1ConfigMap ConfigMap(string name, string ns = "default", V1OwnerReference? owner = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, OwnerReferences = owner is null ? null : [owner] },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    [Fact]
    public async Task Informer_relists_after_410_and_synthesizes_the_delete_it_missed()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var client = KubeClientFactory.Create(emulator.ClientConfiguration);
        var gate = new WatchGate();
        using var informerClient = new Kubernetes(emulator.ClientConfiguration, new CoreGroupPathHandler(), gate);
        var configMaps = new ResourceClient<V1ConfigMap>(client);
        await configMaps.CreateAsync(ConfigMap("a"), default);
        await configMaps.CreateAsync(ConfigMap("b"), default);

        var informer = new ResourceInformer<V1ConfigMap>(new ResourceClient<V1ConfigMap>(informerClient), "default", Fast, NullLogger.Instance);
        var events = new ConcurrentQueue<string>();
        informer.Subscribe((type, cm) => events.Enqueue($"{type} {cm.Metadata.Name}"));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.ReadyAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => emulator.Store.WatchCount == 1, "the informer's watch");

        // While the informer cannot reconnect: b goes away and history is compacted past it.
        gate.Close();
        emulator.DropWatches();
        await configMaps.DeleteAsync("default", "b", default);
        await configMaps.CreateAsync(ConfigMap("c"), default);
        emulator.CompactHistory();
        gate.Open();

        await Poll.UntilAsync(() => informer.ListCount == 2 && informer.Get(new ObjectKey("default", "b")) is null, "a relist that drops b");
        Assert.NotNull(informer.Get(new ObjectKey("default", "c")));
        Assert.Equal(["Added a", "Added b", "Deleted b", "Added c"], events);

        // And it is watching again: a later change arrives without another list.
        await configMaps.CreateAsync(ConfigMap("d"), default);
        await Poll.UntilAsync(() => informer.Get(new ObjectKey("default", "d")) is not null, "d via the new watch");
        Assert.Equal(2, informer.ListCount);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Informer_indexes_objects_by_owner_uid()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var client = KubeClientFactory.Create(emulator.ClientConfiguration);
        var owner = new V1OwnerReference { ApiVersion = ApiGroup.ApiVersion, Kind = "ObjectStore", Name = "s", Uid = "owner-uid", Controller = true };
        var configMaps = new ResourceClient<V1ConfigMap>(client);
        await configMaps.CreateAsync(ConfigMap("owned-1", owner: owner), default);
        await configMaps.CreateAsync(ConfigMap("free"), default);

        var informer = new ResourceInformer<V1ConfigMap>(configMaps, "default", Fast, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.ReadyAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(10));
        await configMaps.CreateAsync(ConfigMap("owned-2", owner: owner), default);

        await Poll.UntilAsync(() => informer.OwnedBy("owner-uid").Count == 2, "both owned objects indexed");
        await configMaps.DeleteAsync("default", "owned-1", default);
        await Poll.UntilAsync(() => informer.OwnedBy("owner-uid").Count == 1, "the deleted one unindexed");
        Assert.Equal("owned-2", informer.OwnedBy("owner-uid")[0].Metadata.Name);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class RecordingReconciler : IReconciler<ObjectStore>
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public Task<ReconcileResult> ReconcileAsync(ObjectStore resource, CancellationToken ct)
        {
            Calls.Enqueue(resource.Metadata.Name);
            return Task.FromResult(ReconcileResult.Done);
        }
    }

    [Fact]
    public async Task Changes_to_owned_children_and_referenced_secrets_enqueue_the_owner()
    {
        await using var harness = await StartEmulatorWithCrdsAsync();
        var client = harness.Client;
        var reconciler = new RecordingReconciler();
        var spans = new ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == OperatorTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var host = new ControllerHost(client, new ControllerHostOptions { Namespace = "default", Informer = Fast }, new OperatorTelemetry(Support.IsolatedMeters.Factory()), NullLoggerFactory.Instance);
        host.AddController("ObjectStore", reconciler)
            .Owns<V1ConfigMap>()
            .Watches<V1Secret>(store => store.Spec.Credentials?.SecretRef is { } r ? [new ObjectKey("default", r.Name)] : []);
        using var cts = new CancellationTokenSource();
        var run = host.RunAsync(cts.Token);

        var store = Samples.ValidObjectStore("s1");
        store.Metadata.NamespaceProperty = "default";
        store.Spec.Credentials = new CredentialsSpec { SecretRef = new LocalObjectReference { Name = "creds" } };
        store = await new ResourceClient<ObjectStore>(client).CreateAsync(store, default);
        var other = Samples.ValidObjectStore("s2");
        other.Metadata.NamespaceProperty = "default";
        await new ResourceClient<ObjectStore>(client).CreateAsync(other, default);
        await Poll.UntilAsync(() => reconciler.Calls.Contains("s1") && reconciler.Calls.Contains("s2"), "initial reconciles");

        int CallsFor(string name) => reconciler.Calls.Count(c => c == name);

        // A child with a controller reference to s1, created and then deleted, wakes s1 each time.
        var child = ConfigMap("child");
        ServerSideApply.SetController(child, store);
        var before = CallsFor("s1");
        await new ResourceClient<V1ConfigMap>(client).CreateAsync(child, default);
        await Poll.UntilAsync(() => CallsFor("s1") > before, "reconcile after the child was created");
        before = CallsFor("s1");
        await new ResourceClient<V1ConfigMap>(client).DeleteAsync("default", "child", default);
        await Poll.UntilAsync(() => CallsFor("s1") > before, "reconcile after the child was deleted");

        // The Secret s1 names (not owned) wakes s1 when it appears.
        before = CallsFor("s1");
        var s2Before = CallsFor("s2");
        await new ResourceClient<V1Secret>(client).CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "creds", NamespaceProperty = "default" },
            StringData = new Dictionary<string, string> { ["accessKey"] = "a", ["secretKey"] = "b" },
        }, default);
        await Poll.UntilAsync(() => CallsFor("s1") > before, "reconcile after the referenced secret appeared");
        Assert.Equal(s2Before, CallsFor("s2"));

        // Every reconcile is a span carrying the object and the result.
        Assert.Contains(spans, a => a.DisplayName == "reconcile ObjectStore"
            && (string?)a.GetTagItem("k8s.object.name") == "s1"
            && (string?)a.GetTagItem("reconcile.result") == "done");

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Finalizers_are_added_and_removed_wherever_they_sit_and_stale_writes_conflict()
    {
        await using var harness = await StartEmulatorWithCrdsAsync();
        var stores = new ResourceClient<ObjectStore>(harness.Client);
        var finalizers = new FinalizerClient(harness.Client);
        var store = Samples.ValidObjectStore("f");
        store.Metadata.NamespaceProperty = "default";
        store.Metadata.Finalizers = ["example.com/first"];
        store = await stores.CreateAsync(store, default);

        var stale = store;
        store = await finalizers.AddAsync(store, ApiGroup.Finalizer, default);
        store = await stores.PatchAsync("default", "f", new V1Patch("""{"metadata":{"finalizers":["example.com/first","storage.storageoperator.io/finalizer","example.com/last"]}}""", V1Patch.PatchType.MergePatch), null, default);
        Assert.Equal(["example.com/first", ApiGroup.Finalizer, "example.com/last"], store.Metadata.Finalizers);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => finalizers.RemoveAsync(WithFinalizers(stale, ["example.com/first", ApiGroup.Finalizer]), ApiGroup.Finalizer, default));
        Assert.True(KubeErrors.IsConflict(e) || KubeErrors.StatusOf(e) == System.Net.HttpStatusCode.UnprocessableEntity, $"expected a failed precondition, got {e}");

        store = await finalizers.RemoveAsync(store, ApiGroup.Finalizer, default);
        Assert.Equal(["example.com/first", "example.com/last"], store.Metadata.Finalizers);
        Assert.Same(store, await finalizers.RemoveAsync(store, ApiGroup.Finalizer, default));
    }

    private static ObjectStore WithFinalizers(ObjectStore store, List<string> finalizers)
    {
        store.Metadata.Finalizers = finalizers;
        return store;
    }

    [Fact]
    public async Task Status_is_written_through_the_subresource_only_when_it_changes()
    {
        await using var harness = await StartEmulatorWithCrdsAsync();
        var stores = new ResourceClient<ObjectStore>(harness.Client);
        var writer = new StatusWriter(harness.Client);
        var store = Samples.ValidObjectStore("st");
        store.Metadata.NamespaceProperty = "default";
        store = await stores.CreateAsync(store, default);

        void Pending(ObjectStoreStatus s) =>
            s.Conditions = Conditions.Set(s.Conditions, writer.Condition(store, ConditionTypes.Ready, false, "ReconcilePending", "waiting"), writer.Now);

        var written = await writer.UpdateAsync<ObjectStore, ObjectStoreSpec, ObjectStoreStatus>(store, Pending, default);
        Assert.NotEqual(store.Metadata.ResourceVersion, written.Metadata.ResourceVersion);
        Assert.Equal(store.Metadata.Generation, written.Status!.ObservedGeneration);
        Assert.Equal(store.Metadata.Generation, written.Metadata.Generation);

        var again = await writer.UpdateAsync<ObjectStore, ObjectStoreSpec, ObjectStoreStatus>(written, Pending, default);
        Assert.Same(written, again);

        // Status sent through the main resource is ignored by the API server: only /status writes it.
        await stores.PatchAsync("default", "st", new V1Patch("""{"status":{"phase":"Hacked"}}""", V1Patch.PatchType.MergePatch), null, default);
        Assert.Null((await stores.GetAsync("default", "st", default))!.Status!.Phase);
    }

    [Fact]
    public async Task Server_side_apply_uses_one_field_manager_and_converges()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var client = KubeClientFactory.Create(emulator.ClientConfiguration);
        var apply = new ServerSideApply(client);

        var first = await apply.ApplyAsync(ConfigMap("applied"), default);
        var desired = ConfigMap("applied");
        desired.Data["k"] = "v2";
        var second = await apply.ApplyAsync(desired, default);
        var same = ConfigMap("applied");
        same.Data["k"] = "v2";
        var unchanged = await apply.ApplyAsync(same, default);

        Assert.Equal("v2", second.Data["k"]);
        Assert.Equal(second.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
        Assert.NotEqual(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        Assert.Equal(["storage-operator"], second.Metadata.ManagedFields.Select(m => m.Manager).Distinct());
        Assert.Equal("Apply", second.Metadata.ManagedFields.Single().Operation);
    }

    private sealed class BlockingReconciler : IReconciler<V1ConfigMap>
    {
        public TaskCompletionSource<CancellationToken> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Completed;

        public async Task<ReconcileResult> ReconcileAsync(V1ConfigMap resource, CancellationToken ct)
        {
            Entered.TrySetResult(ct);
            await Release.Task.WaitAsync(ct);
            Interlocked.Increment(ref Completed);
            return ReconcileResult.Done;
        }
    }

    [Fact]
    public async Task Shutdown_lets_the_running_reconcile_finish_and_starts_no_new_one()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var client = KubeClientFactory.Create(emulator.ClientConfiguration);
        await new ResourceClient<V1ConfigMap>(client).CreateAsync(ConfigMap("slow"), default);
        var reconciler = new BlockingReconciler();
        var host = new ControllerHost(client, new ControllerHostOptions { Namespace = "default", Informer = Fast }, new OperatorTelemetry(Support.IsolatedMeters.Factory()), NullLoggerFactory.Instance);
        var controller = host.AddController("ConfigMap", reconciler);
        using var cts = new CancellationTokenSource();
        var run = host.RunAsync(cts.Token);

        var reconcileToken = await reconciler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        controller.Queue.Add(new ObjectKey("default", "other"));

        Assert.False(reconcileToken.IsCancellationRequested);
        Assert.False(run.IsCompleted);
        reconciler.Release.TrySetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, reconciler.Completed);
        Assert.Equal(0, controller.Queue.Count);
    }

    private static async Task<CrdEmulator> StartEmulatorWithCrdsAsync()
    {
        var emulator = await KubeApiEmulator.StartAsync();
        var client = KubeClientFactory.Create(emulator.ClientConfiguration);
        foreach (var file in Directory.GetFiles(RepoPaths.Crds, "*.yaml"))
        {
            foreach (var crd in (await KubernetesYaml.LoadAllFromFileAsync(file)).Cast<V1CustomResourceDefinition>())
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            }
        }
        await Poll.UntilAsync(async () => await new ResourceClient<ObjectStore>(client).ListAsync("default", null, 1, default), _ => true, "CRDs served");
        return new CrdEmulator(emulator, client);
    }

    private sealed record CrdEmulator(KubeApiEmulator Emulator, IKubernetes Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Emulator.DisposeAsync();
        }
    }
}
