using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.KeyStores;

/// <summary>
/// Where master keys live (KES <c>keystore.go</c>). Names are validated by the caller. Errors are
/// <see cref="KeyStoreException"/> with a <see cref="KeyStoreError"/>: create → Exists, get/delete → NotFound,
/// any → Unavailable; get → Corrupt when a stored key cannot be opened.
/// </summary>
public interface IKeyStore
{
    /// <summary>Stores a new key; an existing key is never replaced.</summary>
    Task CreateAsync(string name, SecretKey key, CancellationToken cancellationToken);

    Task<SecretKey> GetAsync(string name, CancellationToken cancellationToken);

    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>All names starting with <paramref name="prefix"/>, sorted ordinally.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Round-trip latency of a cheap probe; throws Unavailable when the store is not usable.</summary>
    Task<TimeSpan> StatusAsync(CancellationToken cancellationToken);
}
