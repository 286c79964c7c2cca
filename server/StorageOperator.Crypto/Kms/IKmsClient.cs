namespace StorageOperator.Crypto.Kms;

/// <summary>
/// The KMS as the S3 server sees it (MinIO <c>internal/kms</c>). <c>context</c> is the canonical JSON of
/// <see cref="KmsContext"/>, passed through as opaque associated data. Failures are <see cref="KmsException"/>.
/// </summary>
public interface IKmsClient
{
    /// <summary>Key for SSE-S3, SSE-KMS without a key id, and auto-encryption.</summary>
    string DefaultKeyId { get; }

    /// <summary>A new data key under <paramref name="keyId"/> (empty = <see cref="DefaultKeyId"/>).</summary>
    Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken);

    Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken);

    Task CreateKeyAsync(string keyId, CancellationToken cancellationToken);

    Task<KmsStatus> StatusAsync(CancellationToken cancellationToken);
}
