using System.Collections.Concurrent;
using System.Security.Cryptography;
using StorageOperator.Crypto.Kms;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>An in-memory KMS with named keys (the static-key KMS knows only one), for re-wrap tests.</summary>
internal sealed class MultiKeyKms(string defaultKey) : IKmsClient, IDisposable
{
    private readonly ConcurrentDictionary<string, KmsSecretKey> _keys = new();

    public string DefaultKeyId => defaultKey;

    /// <summary>Fail every call after this many successful data-key operations (null: never).</summary>
    public int? FailAfter { get; set; }

    public int Calls;

    public void Add(string name) => _keys[name] = new KmsSecretKey(RandomNumberGenerator.GetBytes(32));

    public void Remove(string name) => _keys.TryRemove(name, out _);

    public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        var (name, key) = Resolve(keyId);
        var plaintext = RandomNumberGenerator.GetBytes(32);
        return Task.FromResult(new DataKey(name, plaintext, key.Encrypt(plaintext, context.Span)));
    }

    public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
        Task.FromResult(Resolve(keyId).Key.Decrypt(ciphertext.Span, context.Span));

    public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        Add(keyId);
        return Task.CompletedTask;
    }

    public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) => Task.FromResult(new KmsStatus("memory", defaultKey, []));

    private (string Name, KmsSecretKey Key) Resolve(string keyId)
    {
        if (FailAfter is { } limit && Interlocked.Increment(ref Calls) > limit)
        {
            throw new KmsException(KmsErrorKind.Unavailable, "connection refused");
        }

        var name = string.IsNullOrEmpty(keyId) ? defaultKey : keyId;
        return _keys.TryGetValue(name, out var key) ? (name, key) : throw new KmsException(KmsErrorKind.KeyNotFound, "key does not exist");
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
