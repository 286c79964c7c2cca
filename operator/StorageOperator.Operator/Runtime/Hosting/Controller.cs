using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Informers;
using StorageOperator.Operator.Runtime.Queues;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Telemetry;

namespace StorageOperator.Operator.Runtime.Hosting;

/// <summary>
/// One kind's controller: its informer feeds a per-key work queue, N workers reconcile off the watch
/// thread, owned children map back to their owner, referenced objects to the CRs that name them.
/// </summary>
public sealed partial class Controller<T> : IController where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReconciler<T> _reconciler;
    private readonly InformerFactory _informers;
    private readonly ControllerHostOptions _options;
    private readonly OperatorTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly ResourceType _type = ResourceType.For<T>();
    private readonly List<Func<T, IEnumerable<(Type Kind, ObjectKey Key)>>> _referenceSelectors = [];
    private readonly Dictionary<Type, ReferenceIndex> _referenceIndexes = [];

    internal Controller(string name, IReconciler<T> reconciler, InformerFactory informers, ControllerHostOptions options, OperatorTelemetry telemetry, ILogger logger)
    {
        Name = name;
        _reconciler = reconciler;
        _informers = informers;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
        Queue = new WorkQueue<ObjectKey>(new RateLimiter<ObjectKey>(options.RetryBaseDelay, options.RetryMaxDelay));
        Informer = informers.Get<T>();
        Informer.Subscribe(OnPrimaryEvent);
        telemetry.RegisterQueue(name, () => Queue.Count);
    }

    public string Name { get; }

    public WorkQueue<ObjectKey> Queue { get; }

    public ResourceInformer<T> Informer { get; }

    /// <summary>Children whose ownerReferences name one of our objects enqueue that owner on every change.</summary>
    public Controller<T> Owns<TChild>() where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        _informers.Get<TChild>().Subscribe((_, child) =>
        {
            foreach (var owner in child.Metadata.OwnerReferences ?? [])
            {
                if (owner.Kind == _type.Kind && owner.ApiVersion == _type.ApiVersion)
                {
                    Queue.Add(new ObjectKey(child.Metadata.NamespaceProperty, owner.Name));
                }
            }
        });
        return this;
    }

    /// <summary>
    /// Objects of kind <typeparamref name="TRef"/> that a primary names in its spec (not owned):
    /// a change to one enqueues every primary that references it.
    /// </summary>
    public Controller<T> Watches<TRef>(Func<T, IEnumerable<ObjectKey>> references) where TRef : class, IKubernetesObject<V1ObjectMeta>
    {
        var index = new ReferenceIndex();
        _referenceIndexes[typeof(TRef)] = index;
        _referenceSelectors.Add(primary => references(primary).Select(k => (typeof(TRef), k)));
        _informers.Get<TRef>().Subscribe((_, referenced) =>
        {
            foreach (var primary in index.ReferencedBy(ObjectKey.Of(referenced)))
            {
                Queue.Add(primary);
            }
        });
        return this;
    }

    private void OnPrimaryEvent(WatchEventType type, T resource)
    {
        var key = ObjectKey.Of(resource);
        if (type == WatchEventType.Deleted)
        {
            foreach (var index in _referenceIndexes.Values)
            {
                index.Remove(key);
            }
        }
        else
        {
            var references = _referenceSelectors.SelectMany(s => s(resource)).ToList();
            foreach (var (kind, index) in _referenceIndexes)
            {
                index.Set(key, references.Where(r => r.Kind == kind).Select(r => r.Key));
            }
        }
        Queue.Add(key);
    }

    public async Task RunWorkersAsync(CancellationToken ct)
    {
        var workers = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => Task.Run(() => WorkerAsync(ct), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    public void ShutDown() => Queue.ShutDown();

    private async Task WorkerAsync(CancellationToken ct)
    {
        while (true)
        {
            var (ok, key) = await Queue.GetAsync(ct).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }
            try
            {
                await ProcessAsync(key, ct).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    internal async Task ProcessAsync(ObjectKey key, CancellationToken ct)
    {
        var resource = Informer.Get(key);
        if (resource is null)
        {
            // Gone from the cache: deletion completed (our finalizer would have kept it otherwise).
            Queue.Forget(key);
            return;
        }

        using var activity = OperatorTelemetry.ActivitySource.StartActivity($"reconcile {_type.Kind}");
        activity?.SetTag("k8s.namespace.name", key.Namespace);
        activity?.SetTag("k8s.object.name", key.Name);
        activity?.SetTag("k8s.object.generation", resource.Metadata.Generation);
        var started = Stopwatch.GetTimestamp();
        ReconcileResult result;
        try
        {
            result = await _reconciler.ReconcileAsync(resource, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the next leader picks the key up from its own list.
            return;
        }
        catch (Exception e)
        {
            result = ResultApplier.FromException(e);
            if (KubeErrors.IsConflict(e))
            {
                // Our cache was behind our own last write; the retry reads the newer object.
                LogConflict(_type.Kind, key.ToString());
            }
            else if (result.Outcome == ReconcileOutcome.Terminal)
            {
                LogTerminal(_type.Kind, key.ToString(), result.Reason ?? "");
            }
            else
            {
                LogFailed(e, _type.Kind, key.ToString(), Queue.RateLimiter.NumRequeues(key) + 1);
            }
        }

        if (result.Outcome == ReconcileOutcome.Terminal)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Reason);
        }
        else if (result.Outcome == ReconcileOutcome.Retry)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Reason);
        }
        activity?.SetTag("reconcile.result", result.Label);
        ResultApplier.Apply(Queue, key, result);
        _telemetry.RecordReconcile(Name, result.Label, Stopwatch.GetElapsedTime(started));
        LogReconciled(_type.Kind, key.ToString(), result.Label);
    }

    [LoggerMessage(10, LogLevel.Warning, "Reconcile of {Kind} {Key} failed terminally: {Reason}; waiting for a change")]
    private partial void LogTerminal(string kind, string key, string reason);

    [LoggerMessage(11, LogLevel.Error, "Reconcile of {Kind} {Key} failed (attempt {Attempt}); retrying with backoff")]
    private partial void LogFailed(Exception e, string kind, string key, int attempt);

    [LoggerMessage(13, LogLevel.Debug, "Reconcile of {Kind} {Key} hit a write conflict; retrying")]
    private partial void LogConflict(string kind, string key);

    [LoggerMessage(12, LogLevel.Debug, "Reconciled {Kind} {Key}: {Result}")]
    private partial void LogReconciled(string kind, string key, string result);
}
