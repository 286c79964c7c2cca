using System.Collections.Concurrent;

namespace StorageOperator.Storage.S3Gateway.Caching;

/// <summary>
/// Per-process cache of bucket configuration documents, misses included. The S3 layer reads the
/// bucket's default encryption before every write; without this each small PUT paid a backend GET
/// (almost always a 404) on top of the PUT itself. Replicas share nothing, so a change made through
/// another replica is seen here after at most the TTL (MinIO caches bucket metadata the same way);
/// changes made through this instance invalidate at once.
/// </summary>
internal sealed class BucketConfigCache(TimeSpan ttl, int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Bucket, string Name), Entry> _entries = new();

    // Bumped by every local invalidation: a read that started before one must not store what it fetched.
    private long _generation;

    private sealed record Entry(byte[]? Document, long ExpiresAt);

    public bool Enabled => ttl > TimeSpan.Zero && capacity > 0;

    /// <summary>Taken before fetching; hand it to <see cref="Store"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <param name="document">the cached document (a copy), or null for a cached "not set".</param>
    public bool TryGet(string bucket, string name, out byte[]? document)
    {
        document = null;
        if (!Enabled || !_entries.TryGetValue((bucket, name), out var entry))
        {
            return false;
        }
        if (time.GetTimestamp() >= entry.ExpiresAt)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>((bucket, name), entry));
            return false;
        }
        document = entry.Document?.ToArray();
        return true;
    }

    public void Store(string bucket, string name, byte[]? document, long generation)
    {
        if (!Enabled)
        {
            return;
        }
        if (_entries.Count >= capacity)
        {
            // Bounded by dropping everything: entries live seconds, so a refill costs one GET per bucket.
            _entries.Clear();
        }
        var ticks = (long)(ttl.TotalSeconds * time.TimestampFrequency);
        _entries[(bucket, name)] = new Entry(document?.ToArray(), time.GetTimestamp() + ticks);
        if (Generation != generation)
        {
            // An invalidation ran while this was fetched: what was fetched may predate it.
            _entries.TryRemove((bucket, name), out _);
        }
    }

    /// <summary>Forgets every document of <paramref name="bucket"/> (its configuration changed, or it was created or deleted here).</summary>
    public void Invalidate(string bucket)
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in _entries.Keys)
        {
            if (key.Bucket == bucket)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
