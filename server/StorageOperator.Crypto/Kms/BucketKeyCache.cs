using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// S3 Bucket Keys for SSE-KMS: one data key per (bucket, KMS key, context), generated once and reused for
/// <see cref="Ttl"/>, so a burst of writes costs one KMS GenerateKey instead of one per object. Each object still gets
/// its own random object key sealed under this data key (<c>SseObjectKeys.CreateWithBucketKeyAsync</c>); what is
/// shared is the KMS data key, and with it its KMS ciphertext, which is what lets <see cref="CachingKmsClient"/> serve
/// the reads of all those objects from one Decrypt.
/// <para>
/// Plaintext data keys live only in this process's memory, are handed out as copies, and are zeroed when they expire
/// (a timer sweeps expired entries) or the cache is disposed. Concurrent first requests for one entry share a single
/// KMS call. A <see cref="Ttl"/> of zero turns reuse off: every call goes to the KMS.
/// </para>
/// </summary>
public sealed class BucketKeyCache : IDisposable
{
    /// <summary>How long one data key is reused (STORAGE_KMS_BUCKET_KEY_TTL's default).</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);

    private readonly IKmsClient _kms;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly ITimer? _sweeper;
    private readonly ConcurrentDictionary<(string Bucket, string KeyId, string Context), Entry> _entries = new();
    private volatile bool _disposed;

    public BucketKeyCache(IKmsClient kms, TimeSpan ttl, int capacity = 1024, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _kms = kms;
        Ttl = ttl;
        _capacity = capacity;
        _time = time ?? TimeProvider.System;
        if (ttl > TimeSpan.Zero)
        {
            // without a sweep, a key whose bucket gets no more writes would stay in memory past its expiry
            var period = ttl < TimeSpan.FromMinutes(1) ? ttl : TimeSpan.FromMinutes(1);
            _sweeper = _time.CreateTimer(_ => Sweep(_time.GetUtcNow()), null, period, period);
        }
    }

    public TimeSpan Ttl { get; }

    /// <summary>How many data keys are held now (for tests and metrics).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// A data key for <paramref name="bucket"/> under <paramref name="keyId"/> (empty = the KMS default key) and
    /// <paramref name="context"/>: the cached one while it is live, else a new one from the KMS. The caller owns (and
    /// zeroes) the returned plaintext; the ciphertext is shared and must not be modified.
    /// </summary>
    /// <exception cref="KmsException">the KMS failed; a failure is not cached, the next call asks again.</exception>
    public async Task<DataKey> GenerateKeyAsync(string bucket, string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var name = string.IsNullOrEmpty(keyId) ? _kms.DefaultKeyId : keyId;
        if (Ttl == TimeSpan.Zero)
        {
            return await _kms.GenerateKeyAsync(name, context, cancellationToken).ConfigureAwait(false);
        }

        var cacheKey = (bucket, name, Convert.ToBase64String(context.Span));
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            if (_entries.TryGetValue(cacheKey, out var entry) && !entry.IsLive(now))
            {
                Remove(cacheKey, entry);
                continue;
            }

            if (entry is null)
            {
                if (_entries.Count >= _capacity)
                {
                    Sweep(now);
                }

                if (_entries.Count >= _capacity)
                {
                    // many distinct contexts at once: still correct, just not shared
                    return await _kms.GenerateKeyAsync(name, context, cancellationToken).ConfigureAwait(false);
                }

                var created = new Entry(now + Ttl);
                if (!_entries.TryAdd(cacheKey, created))
                {
                    continue;
                }

                entry = created;
                _ = FillAsync(cacheKey, created, name, context.ToArray());
            }

            await entry.Generated.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (entry.TryCopy(now) is { } copy)
            {
                return copy;
            }

            // expired or zeroed between the lookup and the copy: take (or make) the next one
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _sweeper?.Dispose();
        foreach (var (key, entry) in _entries)
        {
            Remove(key, entry);
        }
    }

    // Shared by every caller waiting for this entry, so no single caller's cancellation may abort it; the KMS client's
    // own request timeout bounds it.
    private async Task FillAsync((string, string, string) cacheKey, Entry entry, string keyId, byte[] context)
    {
        try
        {
            entry.Complete(await _kms.GenerateKeyAsync(keyId, context, CancellationToken.None).ConfigureAwait(false));
            if (_disposed)
            {
                // disposed while the KMS was answering, after Dispose emptied the table
                Remove(cacheKey, entry);
            }
        }
        catch (Exception e)
        {
            Remove(cacheKey, entry);
            entry.Fail(e);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (!entry.IsLive(now))
            {
                Remove(key, entry);
            }
        }
    }

    private void Remove((string, string, string) key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<(string, string, string), Entry>(key, entry)))
        {
            entry.Zero();
        }
    }

    /// <summary>One bucket-level data key; the lock keeps a copy from being taken while the key is being zeroed.</summary>
    private sealed class Entry(DateTimeOffset expires)
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _generated = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private DataKey? _key;
        private bool _zeroed;

        /// <summary>Completes when the KMS answered (the key is then taken with <see cref="TryCopy"/>), or faults with its error.</summary>
        public Task Generated => _generated.Task;

        public void Complete(DataKey key)
        {
            lock (_lock)
            {
                if (_zeroed)
                {
                    // removed (disposed) while the KMS was answering: never keep it
                    CryptographicOperations.ZeroMemory(key.Plaintext);
                }
                else
                {
                    _key = key;
                }
            }

            _generated.SetResult();
        }

        public void Fail(Exception e) => _generated.SetException(e);

        /// <summary>A copy of the plaintext (the ciphertext is shared); null once expired or zeroed.</summary>
        public DataKey? TryCopy(DateTimeOffset now)
        {
            lock (_lock)
            {
                return _zeroed || _key is null || expires <= now ? null : _key with { Plaintext = (byte[])_key.Plaintext.Clone() };
            }
        }

        public bool IsLive(DateTimeOffset now)
        {
            lock (_lock)
            {
                return !_zeroed && expires > now;
            }
        }

        public void Zero()
        {
            lock (_lock)
            {
                if (_key is not null)
                {
                    CryptographicOperations.ZeroMemory(_key.Plaintext);
                }

                _zeroed = true;
            }
        }
    }
}
