using System.Collections;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// Server-wide encryption policy for writes that carry no SSE headers (reference §2.12), in this order:
/// the bucket default (PutBucketEncryption); then auto-encryption (<c>STORAGE_KMS_AUTO_ENCRYPTION=on</c>, alias
/// <c>MINIO_KMS_AUTO_ENCRYPTION</c>) under the KMS default key as <see cref="AutoMode"/>; then, with
/// <c>STORAGE_ENCRYPTION_ENFORCE=on</c>, the write is refused (403 AccessDenied) instead of being stored in clear.
/// <para>
/// <c>STORAGE_KMS_AUTO_ENCRYPTION_MODE</c> = <c>SSE-KMS</c> (default) or <c>SSE-S3</c>. The default follows MinIO
/// (§2.12: auto-encrypted objects are SSE-KMS under the default key and report <c>aws:kms</c>, so MinIO-written data
/// and ours look the same). <c>SSE-S3</c> reports <c>AES256</c> and keeps ETags equal to the MD5, as AWS's own
/// default encryption does; both use the same default KMS key.
/// </para>
/// </summary>
public sealed record EncryptionPolicy(bool AutoEncryption, SseType AutoMode = SseType.SseKms, bool Enforce = false)
{
    public const string AutoEncryptionModeVariable = "STORAGE_KMS_AUTO_ENCRYPTION_MODE";
    public const string EnforceVariable = "STORAGE_ENCRYPTION_ENFORCE";

    public const string EnforcedMessage =
        "This server refuses unencrypted writes (STORAGE_ENCRYPTION_ENFORCE=on): send x-amz-server-side-encryption (AES256 or aws:kms) or SSE-C headers, or set a bucket default encryption.";

    public static EncryptionPolicy Off { get; } = new(false);

    /// <param name="autoEncryption">from <see cref="KmsConfiguration.AutoEncryption"/> (it parses the variable and its alias).</param>
    /// <exception cref="KmsConfigurationException">a variable has an invalid value.</exception>
    public static EncryptionPolicy FromEnvironment(IDictionary environment, bool autoEncryption)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var mode = Get(environment, AutoEncryptionModeVariable) switch
        {
            null => SseType.SseKms,
            { } m when m.Equals("SSE-KMS", StringComparison.OrdinalIgnoreCase) || m.Equals(SseHeaderNames.AwsKms, StringComparison.OrdinalIgnoreCase) => SseType.SseKms,
            { } m when m.Equals("SSE-S3", StringComparison.OrdinalIgnoreCase) || m.Equals(SseHeaderNames.Aes256, StringComparison.OrdinalIgnoreCase) => SseType.SseS3,
            { } m => throw new KmsConfigurationException($"{AutoEncryptionModeVariable}: '{m}' is neither SSE-KMS nor SSE-S3."),
        };
        var enforce = Get(environment, EnforceVariable) is { } e
            ? KmsConfiguration.ParseBool(e) ?? throw new KmsConfigurationException($"{EnforceVariable}: '{e}' is not a boolean (on/off).")
            : false;
        return new EncryptionPolicy(autoEncryption, mode, enforce);
    }

    /// <summary>
    /// The encryption a write gets: what it asked for, else the bucket default, else auto-encryption. The S3 Bucket Key
    /// setting comes from the request header, else from the bucket default.
    /// </summary>
    /// <exception cref="S3Exception">AccessDenied: an unencrypted write while encryption is enforced, or SSE-C on a bucket that blocks it.</exception>
    public SseRequest Resolve(SseRequest requested, BucketEncryptionConfiguration? bucketDefault)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (requested.Type == SseType.SseC && bucketDefault is { BlockSseC: true })
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "This bucket blocks SSE-C (BlockedEncryptionTypes) and does not accept customer-provided keys.");
        }

        if (requested.IsEncrypted)
        {
            // AWS: a bucket default with BucketKeyEnabled covers every SSE-KMS write to the bucket that does not say false
            return requested.BucketKeyEnabled is null && bucketDefault is { BucketKeyEnabled: true }
                ? requested with { BucketKeyEnabled = true }
                : requested;
        }

        if (bucketDefault is not null)
        {
            return bucketDefault.ToRequest() with { BucketKeyEnabled = requested.BucketKeyEnabled ?? bucketDefault.BucketKeyEnabled };
        }

        if (AutoEncryption)
        {
            return new SseRequest(AutoMode, BucketKeyEnabled: requested.BucketKeyEnabled);
        }

        return Enforce ? throw new S3Exception(S3ErrorCode.AccessDenied, EnforcedMessage) : requested;
    }

    private static string? Get(IDictionary environment, string name) =>
        environment[name] is string v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
}
