using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Runtime.Client;

namespace StorageOperator.Operator.Runtime.Informers;

/// <summary>
/// A cache of one kind kept current by list-then-watch. Learned from client-go's reflector and
/// YARP's ResourceInformer: relist with synthetic deletes on 410, resume from the last
/// resourceVersion after a normal watch end, backoff with jitter on errors, and a watchdog for
/// watches that go silent. Handlers run on the informer loop and must only enqueue.
/// </summary>
public sealed class ResourceInformer<T> : IResourceInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ResourceClient<T> _client;
    private readonly string? _namespace;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Random _random = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, T> _cache = [];
    private readonly Dictionary<string, HashSet<ObjectKey>> _byOwnerUid = new(StringComparer.Ordinal);
    private readonly List<Action<WatchEventType, T>> _handlers = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResourceInformer(ResourceClient<T> client, string? ns, InformerOptions options, ILogger logger, TimeProvider? time = null)
    {
        _client = client;
        _namespace = ns;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string Description => $"{_client.Type.Plural}.{_client.Type.Group}" + (_namespace is null ? "" : $" in {_namespace}");

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Number of lists done (the first one plus relists); for tests and diagnostics.</summary>
    public int ListCount { get; private set; }

    /// <summary>Number of watches opened; for tests and diagnostics.</summary>
    public int WatchCount { get; private set; }

    public string? LastResourceVersion { get; private set; }

    public Task ReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    /// <summary>Handlers see every add, update and delete, including synthetic ones after a relist.</summary>
    public void Subscribe(Action<WatchEventType, T> handler)
    {
        lock (_lock)
        {
            _handlers.Add(handler);
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_lock)
        {
            return _cache.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List()
    {
        lock (_lock)
        {
            return [.. _cache.Values];
        }
    }

    /// <summary>Objects whose ownerReferences name the given owner uid.</summary>
    public IReadOnlyList<T> OwnedBy(string ownerUid)
    {
        lock (_lock)
        {
            return _byOwnerUid.TryGetValue(ownerUid, out var keys) ? [.. keys.Select(k => _cache[k])] : [];
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(ct).ConfigureAwait(false);
                    _ready.TrySetResult();
                }

                var outcome = await WatchAsync(resourceVersion, ct).ConfigureAwait(false);
                resourceVersion = outcome.ResourceVersion;
                if (outcome.Relist)
                {
                    InformerLog.Relisting(_logger, Description);
                    resourceVersion = null;
                    failures = 0;
                    continue;
                }
                if (outcome.Events > 0)
                {
                    failures = 0;
                    continue;
                }
                if (!outcome.Healthy)
                {
                    await DelayAsync(failures++, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (KubeErrors.IsGone(e))
            {
                InformerLog.Relisting(_logger, Description);
                resourceVersion = null;
            }
            catch (Exception e)
            {
                InformerLog.WatchFailed(_logger, e, Description);
                await DelayAsync(failures++, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayAsync(int attempt, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Backoff.Delay(attempt, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _random), _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<string> ListAsync(CancellationToken ct)
    {
        var fresh = new Dictionary<ObjectKey, T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await _client.ListAsync(_namespace, continueToken, _options.PageSize, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                fresh[ObjectKey.Of(item)] = item;
            }
            continueToken = page.Metadata?.ContinueProperty;
            resourceVersion = page.Metadata?.ResourceVersion ?? "";
        }
        while (!string.IsNullOrEmpty(continueToken));

        var events = new List<(WatchEventType, T)>();
        lock (_lock)
        {
            foreach (var (key, old) in _cache)
            {
                if (!fresh.ContainsKey(key))
                {
                    // Deleted while we were not watching: the watch that would have told us is gone.
                    events.Add((WatchEventType.Deleted, old));
                }
            }
            foreach (var (key, item) in fresh)
            {
                if (!_cache.TryGetValue(key, out var old))
                {
                    events.Add((WatchEventType.Added, item));
                }
                else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
                {
                    events.Add((WatchEventType.Modified, item));
                }
            }
            _cache.Clear();
            _byOwnerUid.Clear();
            foreach (var (key, item) in fresh)
            {
                _cache[key] = item;
                IndexOwners(key, item, add: true);
            }
            ListCount++;
        }
        LastResourceVersion = resourceVersion;
        foreach (var (type, item) in events)
        {
            Notify(type, item);
        }
        return resourceVersion;
    }

    private readonly record struct WatchOutcome(string ResourceVersion, bool Relist, int Events, bool Healthy);

    private async Task<WatchOutcome> WatchAsync(string resourceVersion, CancellationToken ct)
    {
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lastActivity = _time.GetTimestamp();
        var started = lastActivity;
        var silent = false;
        Exception? streamError = null;
        var events = 0;
        WatchCount++;

        // Watchdog: cancels a watch that delivered nothing for SilenceTimeout.
        var check = TimeSpan.FromTicks(Math.Max(_options.SilenceTimeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks));
        await using var watchdog = _time.CreateTimer(_ =>
        {
            if (_time.GetElapsedTime(Volatile.Read(ref lastActivity)) > _options.SilenceTimeout)
            {
                silent = true;
                watchCts.Cancel();
            }
        }, null, check, check).ConfigureAwait(false);

        var timeout = (int)Math.Max(1, _options.WatchTimeout.TotalSeconds * (0.9 + _random.NextDouble() * 0.2));
        try
        {
            await foreach (var (type, item) in _client.WatchAsync(_namespace, resourceVersion, timeout, e => streamError ??= e, watchCts.Token).ConfigureAwait(false))
            {
                Volatile.Write(ref lastActivity, _time.GetTimestamp());
                events++;
                var rv = item.Metadata?.ResourceVersion;
                if (!string.IsNullOrEmpty(rv))
                {
                    resourceVersion = rv;
                    LastResourceVersion = rv;
                }
                if (type == WatchEventType.Bookmark)
                {
                    continue;
                }
                Apply(type, item);
            }
        }
        catch (OperationCanceledException) when (silent && !ct.IsCancellationRequested)
        {
            InformerLog.WatchSilent(_logger, Description, _options.SilenceTimeout);
            return new WatchOutcome(resourceVersion, Relist: false, events, Healthy: true);
        }

        if (streamError is not null && KubeErrors.IsGone(streamError))
        {
            return new WatchOutcome(resourceVersion, Relist: true, events, Healthy: true);
        }
        if (streamError is not null)
        {
            InformerLog.WatchFailed(_logger, streamError, Description);
        }
        // A watch that ends at once without events is failing, not timing out: back off.
        var healthy = streamError is null && _time.GetElapsedTime(started) >= TimeSpan.FromSeconds(1);
        return new WatchOutcome(resourceVersion, Relist: false, events, healthy);
    }

    private void Apply(WatchEventType type, T item)
    {
        var key = ObjectKey.Of(item);
        lock (_lock)
        {
            if (_cache.Remove(key, out var old))
            {
                IndexOwners(key, old, add: false);
            }
            if (type != WatchEventType.Deleted)
            {
                _cache[key] = item;
                IndexOwners(key, item, add: true);
            }
        }
        Notify(type, item);
    }

    private void IndexOwners(ObjectKey key, T item, bool add)
    {
        foreach (var owner in item.Metadata.OwnerReferences ?? [])
        {
            if (add)
            {
                if (!_byOwnerUid.TryGetValue(owner.Uid, out var set))
                {
                    _byOwnerUid[owner.Uid] = set = [];
                }
                set.Add(key);
            }
            else if (_byOwnerUid.TryGetValue(owner.Uid, out var set) && set.Remove(key) && set.Count == 0)
            {
                _byOwnerUid.Remove(owner.Uid);
            }
        }
    }

    private void Notify(WatchEventType type, T item)
    {
        Action<WatchEventType, T>[] handlers;
        lock (_lock)
        {
            handlers = [.. _handlers];
        }
        foreach (var handler in handlers)
        {
            try
            {
                handler(type, item);
            }
            catch (Exception e)
            {
                InformerLog.HandlerFailed(_logger, e, Description);
            }
        }
    }
}
