namespace StorageOperator.Crypto.Sse;

/// <summary>
/// Names of the internal SSE metadata entries. Ours are stored (they start with "x-internal-", which the storage
/// layer never returns to clients); each maps 1:1 to MinIO's name so metadata can be converted in both directions
/// (<see cref="ToMinio"/>, <see cref="FromMinio"/>). The table is part of the stored format: never rename an entry.
/// Values are MinIO's: strings, binary as standard base64 with padding.
/// </summary>
public static class SseMetadataKeys
{
    /// <summary>"DAREv2-HMAC-SHA256".</summary>
    public const string SealAlgorithm = "x-internal-sse-seal-algorithm";

    /// <summary>b64(32-byte IV) of the sealing-key derivation.</summary>
    public const string Iv = "x-internal-sse-iv";

    /// <summary>b64(64-byte sealed object key), SSE-C.</summary>
    public const string SealedKeySseC = "x-internal-sse-c-sealed-key";

    /// <summary>b64(64-byte sealed object key), SSE-S3.</summary>
    public const string SealedKeySseS3 = "x-internal-sse-s3-sealed-key";

    /// <summary>b64(64-byte sealed object key), SSE-KMS.</summary>
    public const string SealedKeySseKms = "x-internal-sse-kms-sealed-key";

    /// <summary>KMS key name that wrapped the data key (SSE-S3 and SSE-KMS), without an ARN prefix.</summary>
    public const string KmsKeyId = "x-internal-sse-kms-key-id";

    /// <summary>b64(KMS ciphertext of the data key) (SSE-S3 and SSE-KMS).</summary>
    public const string KmsDataKey = "x-internal-sse-kms-data-key";

    /// <summary>KMS key version (MinKMS only; carried over, never written by us).</summary>
    public const string KmsKeyVersion = "x-internal-sse-kms-key-version";

    /// <summary>b64(canonical JSON of the client's SSE-KMS context), only when the client sent one.</summary>
    public const string Context = "x-internal-sse-context";

    /// <summary>
    /// "" on an SSE-KMS object written with an S3 Bucket Key: its data key was generated (and must be decrypted) under
    /// the bucket's context, <c>{"aws:s3:arn":"arn:aws:s3:::bucket"}</c> plus the stored client context, instead of the
    /// object's. Ours: MinIO has no bucket keys, so MinIO cannot read such objects.
    /// </summary>
    public const string BucketKey = "x-internal-sse-bucket-key";

    /// <summary>"" on an encrypted multipart object (parts use part keys).</summary>
    public const string Multipart = "x-internal-sse-multipart";

    /// <summary>MinIO replication's encrypted SSE-C checksum; carried over only.</summary>
    public const string SsecCrc = "x-internal-sse-ssec-crc";

    /// <summary>Our name → MinIO's name.</summary>
    public static IReadOnlyDictionary<string, string> MinioNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [SealAlgorithm] = "X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm",
        [Iv] = "X-Minio-Internal-Server-Side-Encryption-Iv",
        [SealedKeySseC] = "X-Minio-Internal-Server-Side-Encryption-Sealed-Key",
        [SealedKeySseS3] = "X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key",
        [SealedKeySseKms] = "X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key",
        [KmsKeyId] = "X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id",
        [KmsDataKey] = "X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key",
        [KmsKeyVersion] = "X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Version",
        [Context] = "X-Minio-Internal-Server-Side-Encryption-Context",
        [BucketKey] = "X-Minio-Internal-Server-Side-Encryption-Bucket-Key",
        [Multipart] = "X-Minio-Internal-Encrypted-Multipart",
        [SsecCrc] = "X-Minio-Replication-Ssec-Crc",
    };

    private static readonly Dictionary<string, string> OurNames =
        MinioNames.ToDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every internal SSE entry (ours).</summary>
    public static IReadOnlyCollection<string> All => (IReadOnlyCollection<string>)MinioNames.Keys;

    /// <summary>Renames our SSE entries to MinIO's; other entries are copied unchanged.</summary>
    public static Dictionary<string, string> ToMinio(IReadOnlyDictionary<string, string> metadata) => Rename(metadata, MinioNames);

    /// <summary>Renames MinIO's SSE entries (any case) to ours; other entries are copied unchanged.</summary>
    public static Dictionary<string, string> FromMinio(IReadOnlyDictionary<string, string> metadata) => Rename(metadata, OurNames);

    private static Dictionary<string, string> Rename(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var result = new Dictionary<string, string>(metadata.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in metadata)
        {
            result[names.TryGetValue(key, out var renamed) ? renamed : key] = value;
        }

        return result;
    }
}
