using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StorageOperator.KubeEmulator.Hosting;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Hosting;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Support;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Harness;

/// <summary>
/// The reconciler harness: an in-process API emulator with our CRDs installed, the operator host
/// (the same composition as `storage-operator run`) pointed at it through a kubeconfig, and helpers
/// to apply YAML and wait for conditions with a deadline.
/// </summary>
public sealed class OperatorHarness : IAsyncDisposable
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);
    private readonly string _directory;

    private readonly ITestOutputHelper _output;
    private readonly OperatorOptions _options;
    private readonly Action<IServiceCollection>? _services;
    private CancellationTokenSource? _kubelet;
    private Task? _kubeletTask;

    private OperatorHarness(KubeApiEmulator emulator, IKubernetes client, string directory, ITestOutputHelper output, OperatorOptions options, Action<IServiceCollection>? services)
    {
        Emulator = emulator;
        Client = client;
        _directory = directory;
        _output = output;
        _options = options;
        _services = services;
    }

    public KubeApiEmulator Emulator { get; }

    /// <summary>A client for the test itself (the operator has its own).</summary>
    public IKubernetes Client { get; }

    public WebApplication? Operator { get; private set; }

    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    public string MetricsUrl => Operator!.Urls.First();

    /// <param name="services">overrides of the operator's registrations (clock, key-server probe, settings).</param>
    public static async Task<OperatorHarness> StartAsync(ITestOutputHelper output, OperatorOptions? options = null, Action<IServiceCollection>? services = null)
    {
        var emulator = await KubeApiEmulator.StartAsync();
        var directory = Directory.CreateTempSubdirectory("operator-harness-").FullName;
        var harness = new OperatorHarness(emulator, KubeClientFactory.Create(emulator.ClientConfiguration), directory, output, options ?? new OperatorOptions(), services);
        emulator.WriteKubeconfig(harness.KubeconfigPath);
        await harness.InstallCrdsAsync();
        await harness.StartOperatorAsync();
        return harness;
    }

    private async Task StartOperatorAsync()
    {
        var app = OperatorApp.Build(
            _options with { Kubeconfig = KubeconfigPath, MetricsAddress = "127.0.0.1:0" },
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(new XunitLoggerProvider(_output));
            },
            _services);
        await app.StartAsync();
        Operator = app;
    }

    /// <summary>Stops the operator (in-flight reconciles get the drain timeout) and starts a fresh one on the same cluster.</summary>
    public async Task RestartOperatorAsync()
    {
        await StopOperatorAsync();
        await StartOperatorAsync();
    }

    public async Task StopOperatorAsync()
    {
        if (Operator is not null)
        {
            await Operator.StopAsync();
            await Operator.DisposeAsync();
            Operator = null;
        }
    }

    /// <summary>
    /// Plays the StatefulSet controller and kubelet the emulator does not run: every StatefulSet whose
    /// status lags its generation is marked rolled out with all replicas ready.
    /// </summary>
    public void RunStatefulSetController()
    {
        _kubelet = new CancellationTokenSource();
        var ct = _kubelet.Token;
        _kubeletTask = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var sets = await Client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: ct);
                    foreach (var set in sets.Items.Where(s => (s.Status?.ObservedGeneration ?? 0) < (s.Metadata.Generation ?? 0)))
                    {
                        await MarkStatefulSetReadyAsync(set.Metadata.Name, set.Metadata.NamespaceProperty);
                    }
                    await Task.Delay(100, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
                {
                    // A conflicting write or a restart; the next round catches up.
                }
            }
        });
    }

    public async Task MarkStatefulSetReadyAsync(string name, string ns = "default")
    {
        var set = await Client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns);
        var replicas = set.Spec.Replicas ?? 1;
        var revision = $"{name}-{set.Metadata.Generation}";
        var patch = new
        {
            status = new
            {
                observedGeneration = set.Metadata.Generation,
                replicas,
                readyReplicas = replicas,
                availableReplicas = replicas,
                updatedReplicas = replicas,
                currentReplicas = replicas,
                currentRevision = revision,
                updateRevision = revision,
            },
        };
        await Client.AppsV1.PatchNamespacedStatefulSetStatusAsync(new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), name, ns);
    }

    /// <summary>Events are written after the status they describe; wait for one instead of reading once.</summary>
    public Task<Corev1Event> WaitForEvent(string name, string reason, string ns = "default") =>
        Poll.UntilAsync(async () => (await EventsFor(name, ns)).FirstOrDefault(e => e.Reason == reason), _ => true, $"event {reason} for {ns}/{name}", DefaultDeadline);

    public async Task<IReadOnlyList<Corev1Event>> EventsFor(string name, string ns = "default") =>
        [.. (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.InvolvedObject?.Name == name)];

    private async Task InstallCrdsAsync()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Crds, "*.yaml").Order())
        {
            foreach (var crd in (await KubernetesYaml.LoadAllFromFileAsync(file)).Cast<V1CustomResourceDefinition>())
            {
                await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            }
        }
        // Served once a list answers; the operator's informers would otherwise start in backoff.
        await Poll.UntilAsync(async () => await new ResourceClient<ObjectStore>(Client).ListAsync("default", null, 1, CancellationToken.None), _ => true, "CRDs to be served");
        await Poll.UntilAsync(async () => await new ResourceClient<KeyServer>(Client).ListAsync("default", null, 1, CancellationToken.None), _ => true, "CRDs to be served");
    }

    /// <summary>Creates every document of a YAML stream (our kinds, Secrets, ConfigMaps).</summary>
    public async Task ApplyYamlAsync(string yaml, string ns = "default")
    {
        foreach (var document in YamlJson.ParseDocuments(yaml))
        {
            var metadata = document["metadata"]!.AsObject();
            metadata["namespace"] ??= ns;
            var json = document.ToJsonString();
            switch ($"{document["apiVersion"]}/{document["kind"]}")
            {
                case ApiGroup.ApiVersion + "/" + ObjectStore.KindName:
                    await Create(KubernetesJson.Deserialize<ObjectStore>(json));
                    break;
                case ApiGroup.ApiVersion + "/" + KeyServer.KindName:
                    await Create(KubernetesJson.Deserialize<KeyServer>(json));
                    break;
                case "v1/Secret":
                    await Create(KubernetesJson.Deserialize<V1Secret>(json));
                    break;
                case "v1/ConfigMap":
                    await Create(KubernetesJson.Deserialize<V1ConfigMap>(json));
                    break;
                case "v1/PersistentVolumeClaim":
                    await Create(KubernetesJson.Deserialize<V1PersistentVolumeClaim>(json));
                    break;
                default:
                    throw new NotSupportedException($"harness cannot apply {document["apiVersion"]}/{document["kind"]}");
            }
        }
    }

    public Task<T> Create<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta> =>
        new ResourceClient<T>(Client).CreateAsync(obj, CancellationToken.None);

    public Task<T?> Get<T>(string name, string ns = "default") where T : class, IKubernetesObject<V1ObjectMeta> =>
        new ResourceClient<T>(Client).GetAsync(ns, name, CancellationToken.None);

    public Task<T> MergePatch<T>(string name, object patch, string ns = "default") where T : class, IKubernetesObject<V1ObjectMeta> =>
        new ResourceClient<T>(Client).PatchAsync(ns, name, new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), null, CancellationToken.None);

    public Task<bool> Delete<T>(string name, string ns = "default") where T : class, IKubernetesObject<V1ObjectMeta> =>
        new ResourceClient<T>(Client).DeleteAsync(ns, name, CancellationToken.None);

    /// <summary>Polls the object until <paramref name="condition"/> holds.</summary>
    public Task<T> WaitFor<T>(string name, Func<T, bool> condition, string what, string ns = "default", TimeSpan? deadline = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Poll.UntilAsync(() => Get<T>(name, ns), condition, $"{typeof(T).Name} {ns}/{name}: {what}", deadline ?? DefaultDeadline);

    /// <summary>Waits for a condition of the given type, status and reason, stamped with the object's current generation.</summary>
    public Task<T> WaitForCondition<T>(string name, string type, string status, string reason, string ns = "default")
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        WaitFor<T>(name, o =>
            StatusOf(o) is { } s
            && Conditions.Find(s.Conditions, type) is { } c
            && c.Status == status && c.Reason == reason
            && c.ObservedGeneration == o.Metadata.Generation
            && s.ObservedGeneration == o.Metadata.Generation,
            $"{type}={status} ({reason}) at the current generation", ns);

    public static IHasConditions? StatusOf(IKubernetesObject<V1ObjectMeta> o) => o switch
    {
        ObjectStore store => store.Status,
        KeyServer server => server.Status,
        _ => throw new NotSupportedException(o.GetType().Name),
    };

    public async Task WaitUntilGone<T>(string name, string ns = "default") where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var deadline = DateTime.UtcNow + DefaultDeadline;
        while (await Get<T>(name, ns) is { } still)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{typeof(T).Name} {ns}/{name} still exists: {KubernetesJson.Serialize(still.Metadata)}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<string> ScrapeMetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(MetricsUrl.TrimEnd('/') + "/metrics");
    }

    public async ValueTask DisposeAsync()
    {
        if (_kubelet is not null)
        {
            await _kubelet.CancelAsync();
            await _kubeletTask!;
            _kubelet.Dispose();
        }
        await StopOperatorAsync();
        Client.Dispose();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();
}
