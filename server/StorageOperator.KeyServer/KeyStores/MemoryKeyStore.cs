using System.Collections.Concurrent;
using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.KeyStores;

/// <summary>Keys live only as long as the process: for tests and for a config without a keystore (as in KES).</summary>
public sealed class MemoryKeyStore : IKeyStore
{
    private readonly ConcurrentDictionary<string, SecretKey> _keys = new(StringComparer.Ordinal);

    public Task CreateAsync(string name, SecretKey key, CancellationToken cancellationToken) =>
        _keys.TryAdd(name, key)
            ? Task.CompletedTask
            : throw new KeyStoreException(KeyStoreError.Exists, "key already exists");

    public Task<SecretKey> GetAsync(string name, CancellationToken cancellationToken) =>
        _keys.TryGetValue(name, out var key)
            ? Task.FromResult(key)
            : throw new KeyStoreException(KeyStoreError.NotFound, "key does not exist");

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        _keys.TryRemove(name, out _)
            ? Task.CompletedTask
            : throw new KeyStoreException(KeyStoreError.NotFound, "key does not exist");

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(
            [.. _keys.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]);

    public Task<TimeSpan> StatusAsync(CancellationToken cancellationToken) => Task.FromResult(TimeSpan.Zero);
}
