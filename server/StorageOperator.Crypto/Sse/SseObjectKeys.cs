using System.Security.Cryptography;
using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Kms;

namespace StorageOperator.Crypto.Sse;

/// <summary>
/// The key flows of §2.4 and §2.11 (MinIO <c>cmd/encryption-v1.go</c>, <c>internal/crypto/sse-*.go</c>): create and
/// seal an object key for a PUT, unseal it for a GET, rotate SSE-C keys and re-wrap SSE-S3/SSE-KMS keys. Data keys
/// from the KMS are zeroed as soon as the object key is sealed or unsealed.
/// </summary>
public static class SseObjectKeys
{
    /// <summary>SSE-C PUT: the object key is derived from the customer key and sealed under it.</summary>
    public static SseSealedObjectKey CreateSseC(ReadOnlySpan<byte> customerKey, string bucket, string objectName, bool multipart = false)
    {
        var key = ObjectKey.Generate(customerKey);
        var sealedKey = key.Seal(customerKey, ObjectKey.GenerateIv(), SealDomain.SseC, bucket, objectName);
        return new SseSealedObjectKey(key, new SseObjectEncryption(SseType.SseC, sealedKey, IsMultipart: multipart));
    }

    /// <summary>
    /// SSE-S3 / SSE-KMS PUT: a data key from the KMS (SSE-S3 and an empty <paramref name="keyId"/> use the default
    /// key) under the context of <see cref="KmsContext.ForObject"/>; only the client's own context is stored.
    /// </summary>
    /// <exception cref="KmsException">the KMS failed; nothing may be written.</exception>
    public static async Task<SseSealedObjectKey> CreateWithKmsAsync(
        IKmsClient kms,
        SseType type,
        string? keyId,
        IReadOnlyDictionary<string, string>? clientContext,
        string bucket,
        string objectName,
        bool multipart,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kms);
        if (type is not (SseType.SseS3 or SseType.SseKms))
        {
            throw new ArgumentOutOfRangeException(nameof(type), "Only SSE-S3 and SSE-KMS use the KMS.");
        }

        var storedContext = type == SseType.SseKms && clientContext is { Count: > 0 } ? clientContext : null;
        var context = KmsContext.Marshal(KmsContext.ForObject(bucket, objectName, storedContext));
        var dataKey = await kms.GenerateKeyAsync(type == SseType.SseS3 ? string.Empty : keyId ?? string.Empty, context, cancellationToken)
            .ConfigureAwait(false);
        return Seal(dataKey, type, storedContext, multipart, bucketKey: false, bucket, objectName);
    }

    /// <summary>
    /// SSE-KMS PUT with an S3 Bucket Key: the data key comes from <paramref name="bucketKeys"/>, under the bucket's
    /// context (<see cref="KmsContext.ForBucket"/>), and is shared with the bucket's other writes for its lifetime.
    /// The object still gets its own random object key and IV, sealed under that data key with a sealing key bound to
    /// bucket/object, exactly as without a bucket key; only the stored KMS ciphertext is the same across objects.
    /// </summary>
    /// <exception cref="KmsException">the KMS failed; nothing may be written.</exception>
    public static async Task<SseSealedObjectKey> CreateWithBucketKeyAsync(
        BucketKeyCache bucketKeys,
        string? keyId,
        IReadOnlyDictionary<string, string>? clientContext,
        string bucket,
        string objectName,
        bool multipart,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucketKeys);
        var storedContext = clientContext is { Count: > 0 } ? clientContext : null;
        var context = KmsContext.Marshal(KmsContext.ForBucket(bucket, storedContext));
        var dataKey = await bucketKeys.GenerateKeyAsync(bucket, keyId ?? string.Empty, context, cancellationToken).ConfigureAwait(false);
        return Seal(dataKey, SseType.SseKms, storedContext, multipart, bucketKey: true, bucket, objectName);
    }

    /// <summary>
    /// GET/HEAD/copy source: the object key of a stored object. SSE-C needs <paramref name="customerKey"/>; SSE-S3 and
    /// SSE-KMS need <paramref name="kms"/>.
    /// </summary>
    /// <exception cref="KeyMismatchException">wrong customer key, or the metadata belongs to another object.</exception>
    /// <exception cref="KmsException">the KMS refused or failed.</exception>
    public static async Task<ObjectKey> UnsealAsync(
        SseObjectEncryption encryption,
        string bucket,
        string objectName,
        IKmsClient? kms,
        ReadOnlyMemory<byte> customerKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(encryption);
        if (encryption.Type == SseType.SseC)
        {
            return ObjectKey.Unseal(customerKey.Span, encryption.SealedKey, SealDomain.SseC, bucket, objectName);
        }

        var dataKey = await DecryptDataKeyAsync(encryption, bucket, objectName, kms, cancellationToken).ConfigureAwait(false);
        try
        {
            return ObjectKey.Unseal(dataKey, encryption.SealedKey, Domain(encryption.Type), bucket, objectName);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>
    /// SSE-C key rotation by in-place copy: the object key is re-sealed under <paramref name="newCustomerKey"/> with the
    /// same IV (as MinIO); the data is untouched.
    /// </summary>
    public static SseObjectEncryption RotateSseC(
        SseObjectEncryption encryption, ReadOnlySpan<byte> oldCustomerKey, ReadOnlySpan<byte> newCustomerKey, string bucket, string objectName)
    {
        ArgumentNullException.ThrowIfNull(encryption);
        if (encryption.Type != SseType.SseC)
        {
            throw new ArgumentException("Only SSE-C objects rotate with customer keys.", nameof(encryption));
        }

        using var key = ObjectKey.Unseal(oldCustomerKey, encryption.SealedKey, SealDomain.SseC, bucket, objectName);
        return encryption with { SealedKey = key.Seal(newCustomerKey, encryption.SealedKey.Iv, SealDomain.SseC, bucket, objectName) };
    }

    /// <summary>
    /// Re-wrap (the key-rotate job): unseal with the old data key, then seal under a new data key and a new IV.
    /// SSE-S3 always uses the default key; SSE-KMS uses <paramref name="newKeyId"/> (null: keep the current key).
    /// Metadata only; the object key, and so the data, stay the same.
    /// </summary>
    public static async Task<SseObjectEncryption> RewrapAsync(
        SseObjectEncryption encryption, IKmsClient kms, string? newKeyId, string bucket, string objectName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(encryption);
        ArgumentNullException.ThrowIfNull(kms);
        using var key = await UnsealAsync(encryption, bucket, objectName, kms, default, cancellationToken).ConfigureAwait(false);
        var keyId = encryption.Type == SseType.SseS3 ? string.Empty : newKeyId ?? encryption.KmsKeyId ?? string.Empty;
        // a bucket-key object stays one: its new (unshared) data key is generated under the bucket's context
        var context = DataKeyContext(encryption, bucket, objectName);
        var dataKey = await kms.GenerateKeyAsync(keyId, context, cancellationToken).ConfigureAwait(false);
        try
        {
            var sealedKey = key.Seal(dataKey.Plaintext, ObjectKey.GenerateIv(), Domain(encryption.Type), bucket, objectName);
            return encryption with { SealedKey = sealedKey, KmsKeyId = dataKey.KeyId, KmsCiphertext = dataKey.Ciphertext };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey.Plaintext);
        }
    }

    private static async Task<byte[]> DecryptDataKeyAsync(
        SseObjectEncryption encryption, string bucket, string objectName, IKmsClient? kms, CancellationToken cancellationToken)
    {
        if (kms is null)
        {
            throw new KmsException(KmsErrorKind.Unavailable, "The object is encrypted with a KMS key, but no KMS is configured.");
        }

        if (encryption.KmsKeyId is null || encryption.KmsCiphertext is null)
        {
            throw new SseMetadataException("The object metadata lacks the KMS key id or data key.");
        }

        var context = DataKeyContext(encryption, bucket, objectName);
        // The data key is bound to bucket/object: metadata copied to another object fails here as DecryptionFailed. A bucket
        // key is bound to the bucket only; within the bucket the sealed object key (bound to bucket/object) fails instead.
        return await kms.DecryptAsync(encryption.KmsKeyId, encryption.KmsCiphertext, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Seals a fresh object key under <paramref name="dataKey"/>, whose plaintext is zeroed either way.</summary>
    private static SseSealedObjectKey Seal(
        DataKey dataKey, SseType type, IReadOnlyDictionary<string, string>? storedContext, bool multipart, bool bucketKey, string bucket, string objectName)
    {
        try
        {
            var key = ObjectKey.Generate(dataKey.Plaintext);
            var sealedKey = key.Seal(dataKey.Plaintext, ObjectKey.GenerateIv(), Domain(type), bucket, objectName);
            var encryption = new SseObjectEncryption(type, sealedKey, dataKey.KeyId, dataKey.Ciphertext, storedContext, multipart, bucketKey);
            return new SseSealedObjectKey(key, encryption);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey.Plaintext);
        }
    }

    /// <summary>The KMS context a stored object's data key was generated under: the bucket's for a bucket key, else the object's.</summary>
    private static byte[] DataKeyContext(SseObjectEncryption encryption, string bucket, string objectName) => KmsContext.Marshal(
        encryption.BucketKey ? KmsContext.ForBucket(bucket, encryption.ClientContext) : KmsContext.ForObject(bucket, objectName, encryption.ClientContext));

    private static string Domain(SseType type) => type switch
    {
        SseType.SseC => SealDomain.SseC,
        SseType.SseS3 => SealDomain.SseS3,
        SseType.SseKms => SealDomain.SseKms,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
