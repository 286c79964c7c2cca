using StorageOperator.Crypto.Kms;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>
/// Counts the data-key calls that reach the KMS. Deliberately not IDisposable: a server disposing its KMS chain on stop
/// (or restart) leaves the inner KMS, and so the stored objects' keys, usable.
/// </summary>
internal sealed class CountingKms(IKmsClient inner) : IKmsClient
{
    private int _generates;
    private int _decrypts;

    public int Generates => Volatile.Read(ref _generates);

    public int Decrypts => Volatile.Read(ref _decrypts);

    public string DefaultKeyId => inner.DefaultKeyId;

    public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _generates);
        return inner.GenerateKeyAsync(keyId, context, cancellationToken);
    }

    public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _decrypts);
        return inner.DecryptAsync(keyId, ciphertext, context, cancellationToken);
    }

    public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken) => inner.CreateKeyAsync(keyId, cancellationToken);

    public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) => inner.StatusAsync(cancellationToken);
}
