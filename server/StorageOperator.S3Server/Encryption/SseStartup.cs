using System.Collections;
using Microsoft.Extensions.Logging;
using StorageOperator.Crypto.Kms;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// Encryption settings of a server instance: the KMS client (null without a KMS), the S3 Bucket Key cache over it and
/// the write policy. Built once at start-up from the environment; the server owns and disposes the KMS client and
/// the bucket-key cache.
/// </summary>
public sealed class SseStartup : IDisposable
{
    public const string BucketKeyTtlVariable = "STORAGE_KMS_BUCKET_KEY_TTL";

    private readonly bool _ownsKms;

    /// <param name="bucketKeys">null: with a KMS, a cache with <see cref="BucketKeyCache.DefaultTtl"/>.</param>
    public SseStartup(IKmsClient? kms, EncryptionPolicy policy, bool ownsKms = true, BucketKeyCache? bucketKeys = null)
    {
        Kms = kms;
        Policy = policy;
        _ownsKms = ownsKms;
        BucketKeys = bucketKeys ?? (kms is null ? null : new BucketKeyCache(kms, BucketKeyCache.DefaultTtl));
    }

    public IKmsClient? Kms { get; }

    /// <summary>Data keys of SSE-KMS writes that use an S3 Bucket Key (null without a KMS).</summary>
    public BucketKeyCache? BucketKeys { get; }

    public EncryptionPolicy Policy { get; }

    public static SseStartup None { get; } = new(null, EncryptionPolicy.Off, ownsKms: false);

    /// <summary>
    /// Reads STORAGE_KMS_* / MINIO_KMS_*, STORAGE_KMS_AUTO_ENCRYPTION_MODE, STORAGE_ENCRYPTION_ENFORCE and
    /// STORAGE_KMS_BUCKET_KEY_TTL (seconds one S3 Bucket Key data key is reused, default 300, 0 = a new data key per
    /// object even with a bucket key).
    /// </summary>
    /// <exception cref="KmsConfigurationException">invalid settings (the server must not start).</exception>
    public static SseStartup FromEnvironment(IDictionary environment, string? certsDirectory)
    {
        var configuration = KmsConfiguration.FromEnvironment(environment, certsDirectory);
        var policy = EncryptionPolicy.FromEnvironment(environment, configuration.AutoEncryption);
        var bucketKeyTtl = Seconds(environment, BucketKeyTtlVariable, (int)BucketKeyCache.DefaultTtl.TotalSeconds);
        var kms = WithDataKeyCache(configuration.CreateClient(), environment);
        return new SseStartup(kms, policy, bucketKeys: kms is null ? null : new BucketKeyCache(kms, TimeSpan.FromSeconds(bucketKeyTtl)));
    }

    /// <summary>
    /// A remote KMS (KES) gets a short-lived cache of decrypted data keys (STORAGE_KMS_CACHE_TTL seconds, default 60,
    /// 0 = off): multipart parts and repeated reads of one object then cost one key-server round trip, not one each.
    /// The static key decrypts locally and needs none.
    /// </summary>
    internal static IKmsClient? WithDataKeyCache(IKmsClient? kms, IDictionary environment)
    {
        if (kms is not KesClient)
        {
            return kms;
        }

        var seconds = Seconds(environment, "STORAGE_KMS_CACHE_TTL", 60);
        return seconds == 0 ? kms : new CachingKmsClient(kms, TimeSpan.FromSeconds(seconds));
    }

    private static int Seconds(IDictionary environment, string name, int defaultSeconds)
    {
        var raw = environment[name] as string;
        var seconds = defaultSeconds;
        if (!string.IsNullOrWhiteSpace(raw) && (!int.TryParse(raw.Trim().TrimEnd('s'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds) || seconds > 3600))
        {
            throw new KmsConfigurationException($"{name} must be a number of seconds from 0 to 3600, not '{raw}'.");
        }

        return seconds;
    }

    /// <summary>
    /// MinIO's start-up check (GenerateKey on the default key, creating it when missing). An unreachable KMS does not
    /// stop the server: encrypted requests answer 503 until it is back, which the log says plainly.
    /// </summary>
    public async Task CheckKmsAsync(ILogger logger, CancellationToken ct)
    {
        if (Kms is null)
        {
            return;
        }

        try
        {
            await Kms.EnsureDefaultKeyAsync(ct).ConfigureAwait(false);
#pragma warning disable CA1848 // start-up only
            logger.LogInformation("KMS ready: default key {Key}, auto-encryption {Auto} ({Mode}), enforcement {Enforce}",
                Kms.DefaultKeyId, Policy.AutoEncryption ? "on" : "off", Policy.AutoMode, Policy.Enforce ? "on" : "off");
        }
        catch (KmsException e)
        {
            logger.LogWarning("KMS check failed for the default key {Key} ({Kind}): {Message}. Encrypted reads and writes fail with 503 until the KMS answers.",
                Kms.DefaultKeyId, e.Kind, e.Message);
#pragma warning restore CA1848
        }
    }

    public void Dispose()
    {
        BucketKeys?.Dispose();
        if (_ownsKms)
        {
            (Kms as IDisposable)?.Dispose();
        }
    }
}
