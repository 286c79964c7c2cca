using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// Remembers decrypted data keys for a short time so that a multipart upload (one unseal per part) or repeated GETs
/// of one SSE-KMS object do not cost a key-server round trip each. Only <see cref="DecryptAsync"/> is cached: every
/// <see cref="GenerateKeyAsync"/> must still produce a fresh key. Cached keys live only in this process's memory,
/// are handed out as copies, and are zeroed when they expire or the client is disposed.
/// </summary>
public sealed class CachingKmsClient : IKmsClient, IDisposable
{
    private readonly IKmsClient _inner;
    private readonly TimeSpan _ttl;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public CachingKmsClient(IKmsClient inner, TimeSpan ttl, int capacity = 4096, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _inner = inner;
        _ttl = ttl;
        _capacity = capacity;
        _time = time ?? TimeProvider.System;
    }

    public string DefaultKeyId => _inner.DefaultKeyId;

    /// <summary>How many data keys are cached now (for tests and metrics).</summary>
    public int Count => _entries.Count;

    public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
        _inner.GenerateKeyAsync(keyId, context, cancellationToken);

    public async Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        var cacheKey = CacheKey(keyId, ciphertext.Span, context.Span);
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(cacheKey, out var cached))
        {
            if (cached.TryCopy(now) is { } copy)
            {
                return copy;
            }

            Remove(cacheKey, cached);
        }

        var plaintext = await _inner.DecryptAsync(keyId, ciphertext, context, cancellationToken).ConfigureAwait(false);
        if (_entries.Count >= _capacity)
        {
            Sweep(now);
        }

        if (_entries.Count < _capacity)
        {
            var entry = new Entry((byte[])plaintext.Clone(), now + _ttl);
            if (!_entries.TryAdd(cacheKey, entry))
            {
                entry.Zero();
            }
        }

        return plaintext;
    }

    public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken) => _inner.CreateKeyAsync(keyId, cancellationToken);

    public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) => _inner.StatusAsync(cancellationToken);

    public void Dispose()
    {
        foreach (var (key, entry) in _entries)
        {
            Remove(key, entry);
        }

        (_inner as IDisposable)?.Dispose();
    }

    // The key id, ciphertext and context together name one data key; hashing keeps the dictionary key short and
    // avoids holding the sealed key's bytes twice. Length prefixes keep the three parts from running into each other.
    private static string CacheKey(string keyId, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendWithLength(hash, System.Text.Encoding.UTF8.GetBytes(keyId));
        AppendWithLength(hash, ciphertext);
        AppendWithLength(hash, context);
        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    private static void AppendWithLength(IncrementalHash hash, ReadOnlySpan<byte> part)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, part.Length);
        hash.AppendData(length);
        hash.AppendData(part);
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

    private void Remove(string key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            entry.Zero();
        }
    }

    /// <summary>One cached key; the lock keeps a copy from being taken while the key is being zeroed.</summary>
    private sealed class Entry(byte[] plaintext, DateTimeOffset expires)
    {
        private readonly Lock _lock = new();
        private bool _zeroed;

        public byte[]? TryCopy(DateTimeOffset now)
        {
            lock (_lock)
            {
                return _zeroed || expires <= now ? null : (byte[])plaintext.Clone();
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
                CryptographicOperations.ZeroMemory(plaintext);
                _zeroed = true;
            }
        }
    }
}
