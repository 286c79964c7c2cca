using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Api;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Storage;

/// <summary>
/// The in-memory object store: objects per storage key, one global resourceVersion counter, a bounded history
/// of changes for watches that resume from a resourceVersion, and the open watch subscriptions.
/// All members take <see cref="Sync"/>; callers that read-modify-write hold it across the whole operation.
/// </summary>
public sealed class ObjectStore(int historyCapacity)
{
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _data = new(StringComparer.Ordinal);
    private readonly List<StoredEvent> _history = [];
    private readonly List<WatchSubscription> _subscriptions = [];
    private long _resourceVersion;
    private long _compactedThrough;

    public object Sync { get; } = new();

    public long CurrentResourceVersion
    {
        get
        {
            lock (Sync)
            {
                return _resourceVersion;
            }
        }
    }

    public long NextResourceVersion()
    {
        lock (Sync)
        {
            return ++_resourceVersion;
        }
    }

    public JsonObject? Get(string storageKey, string ns, string name)
    {
        lock (Sync)
        {
            return _data.TryGetValue(storageKey, out var objects) && objects.TryGetValue(Key(ns, name), out var o)
                ? (JsonObject)o.DeepClone()
                : null;
        }
    }

    /// <summary>Objects in name order (namespace, then name), optionally in one namespace.</summary>
    public List<JsonObject> List(string storageKey, string? ns)
    {
        lock (Sync)
        {
            if (!_data.TryGetValue(storageKey, out var objects))
            {
                return [];
            }
            return objects
                .Where(p => ns is null || p.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                .Select(p => (JsonObject)p.Value.DeepClone())
                .ToList();
        }
    }

    public List<(string StorageKey, JsonObject Object)> All()
    {
        lock (Sync)
        {
            return _data.SelectMany(d => d.Value.Values.Select(o => (d.Key, (JsonObject)o.DeepClone()))).ToList();
        }
    }

    /// <summary>Stores an object whose resourceVersion the caller already set, and records the event.</summary>
    public void Put(string storageKey, JsonObject obj, JsonObject? previous)
    {
        lock (Sync)
        {
            if (!_data.TryGetValue(storageKey, out var objects))
            {
                objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                _data[storageKey] = objects;
            }
            objects[Key(obj)] = (JsonObject)obj.DeepClone();
            Record(new StoredEvent(RvOf(obj), previous is null ? "ADDED" : "MODIFIED", storageKey, (JsonObject)obj.DeepClone(),
                (JsonObject?)previous?.DeepClone()));
        }
    }

    /// <summary>Removes an object; <paramref name="final"/> is its last state, carrying a new resourceVersion.</summary>
    public void Remove(string storageKey, JsonObject final)
    {
        lock (Sync)
        {
            if (_data.TryGetValue(storageKey, out var objects) && objects.Remove(Key(final)))
            {
                Record(new StoredEvent(RvOf(final), "DELETED", storageKey, (JsonObject)final.DeepClone(), null));
            }
        }
    }

    /// <summary>
    /// Opens a watch. With no resourceVersion (or "0") the current objects come back as initial ADDED events;
    /// with one, the history after it does, or 410 Gone when the history no longer reaches back that far.
    /// </summary>
    public (WatchSubscription Subscription, List<WatchEvent> Initial, long SnapshotVersion) Subscribe(
        string storageKey, string? ns, Selectors.LabelSelector labels, Selectors.FieldSelector fields, long? fromVersion, bool initialEvents)
    {
        lock (Sync)
        {
            var sub = new WatchSubscription(storageKey, ns, labels, fields);
            var initial = new List<WatchEvent>();
            if (fromVersion is null or 0 || initialEvents)
            {
                initial.AddRange(List(storageKey, ns).Where(sub.Matches).Select(o => new WatchEvent("ADDED", o)));
            }
            else
            {
                if (fromVersion < _compactedThrough)
                {
                    throw ApiException.Gone($"too old resource version: {fromVersion} ({_compactedThrough})");
                }
                foreach (var e in _history.Where(e => e.ResourceVersion > fromVersion))
                {
                    if (sub.Translate(e) is { } w)
                    {
                        initial.Add(w with { Object = (JsonObject)w.Object.DeepClone() });
                    }
                }
            }
            _subscriptions.Add(sub);
            return (sub, initial, _resourceVersion);
        }
    }

    public void Unsubscribe(WatchSubscription sub)
    {
        lock (Sync)
        {
            _subscriptions.Remove(sub);
        }
    }

    /// <summary>Test hook: forget all history, so any watch from an older resourceVersion gets 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (Sync)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    /// <summary>Test hook: end every open watch, as an API server restart or a load balancer would.</summary>
    public int DropWatches()
    {
        lock (Sync)
        {
            var count = _subscriptions.Count;
            foreach (var s in _subscriptions)
            {
                s.Close();
            }
            _subscriptions.Clear();
            return count;
        }
    }

    public int WatchCount
    {
        get
        {
            lock (Sync)
            {
                return _subscriptions.Count;
            }
        }
    }

    private void Record(StoredEvent e)
    {
        _history.Add(e);
        if (_history.Count > historyCapacity)
        {
            var drop = _history.Count - historyCapacity;
            _compactedThrough = _history[drop - 1].ResourceVersion;
            _history.RemoveRange(0, drop);
        }
        foreach (var s in _subscriptions)
        {
            s.Offer(e);
        }
    }

    private static long RvOf(JsonObject obj) => long.Parse(JsonTree.GetString(obj, "metadata", "resourceVersion") ?? "0");

    private static string Key(JsonObject obj) =>
        Key(JsonTree.GetString(obj, "metadata", "namespace") ?? "", JsonTree.GetString(obj, "metadata", "name") ?? "");

    private static string Key(string ns, string name) => ns + "/" + name;
}
