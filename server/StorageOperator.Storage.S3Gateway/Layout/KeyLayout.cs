using System.Security.Cryptography;
using System.Text;
using StorageOperator.Storage.S3Gateway.Configuration;

namespace StorageOperator.Storage.S3Gateway.Layout;

/// <summary>
/// Maps our buckets and keys to backend buckets and keys, and places the gateway's internal objects.
/// Internal objects of a bucket live under <see cref="BackendLocation.InternalPrefix"/>, which starts
/// with two U+10FFFF: in UTF-8 byte order (the backend's listing order) that range sorts after every
/// key not starting the same way, so a listing stops at the first internal key instead of skipping
/// over a range in the middle. Keys starting with two U+10FFFF are reserved (rejected as InvalidKey).
/// Internal keys embed hashes, never user keys, so their length is bounded.
/// </summary>
public sealed class KeyLayout(BucketMapping mapping, string? backendBucket, string prefix)
{
    public const string Reserved = "\U0010FFFF\U0010FFFFstorage-gateway/";
    private const string ReservedStart = "\U0010FFFF\U0010FFFF";

    /// <summary>S3's key length limit, in UTF-8 bytes, applied to the backend key.</summary>
    public const int MaxKeyBytes = 1024;

    public BucketMapping Mapping { get; } = mapping;

    /// <summary>Prefix mode: the marker objects that make our buckets exist live under here.</summary>
    public string BucketMarkersPrefix => prefix + Reserved + "buckets/";

    public string? SharedBucket => backendBucket;

    /// <exception cref="StorageException">InvalidKey: the name cannot be mapped.</exception>
    public BackendLocation Locate(string bucket)
    {
        if (bucket.Length == 0 || bucket.Contains('/') || bucket.StartsWith(ReservedStart, StringComparison.Ordinal)
            || !IsValidUtf16(bucket))
        {
            throw InvalidBucket(bucket);
        }
        if (Mapping == BucketMapping.PrefixInOneBucket)
        {
            return new BackendLocation(backendBucket!, prefix + bucket + "/");
        }
        var name = prefix + bucket;
        return S3GatewayOptions.IsValidBackendBucketName(name) ? new BackendLocation(name, "") : throw InvalidBucket(bucket);
    }

    /// <summary>Bucket-per-bucket mode: our bucket name for a backend bucket, or null if it is not one of ours.</summary>
    public string? OurBucketName(string backendBucketName) =>
        backendBucketName.StartsWith(prefix, StringComparison.Ordinal) && backendBucketName.Length > prefix.Length
            ? backendBucketName[prefix.Length..]
            : null;

    public string BucketMarkerKey(string bucket) => BucketMarkersPrefix + bucket;

    /// <exception cref="StorageException">InvalidKey.</exception>
    public static string DataKey(BackendLocation location, string key)
    {
        if (key.Length == 0 || key.StartsWith(ReservedStart, StringComparison.Ordinal) || !IsValidUtf16(key)
            || Encoding.UTF8.GetByteCount(location.KeyPrefix) + Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new StorageException(StorageErrorKind.InvalidKey,
                $"Key {Truncate(key)} cannot be stored (empty, too long for the backend, invalid UTF-16 or reserved).");
        }
        return location.KeyPrefix + key;
    }

    /// <summary>True when the backend key is one of ours (not internal, under the location's prefix).</summary>
    public static bool IsDataKey(BackendLocation location, string backendKey) =>
        backendKey.StartsWith(location.KeyPrefix, StringComparison.Ordinal)
        && !backendKey.AsSpan(location.KeyPrefix.Length).StartsWith(ReservedStart, StringComparison.Ordinal);

    public static string SidecarPrefix(BackendLocation location, string key) =>
        location.InternalPrefix + "meta/" + Hash(key) + "/";

    public static string SidecarKey(BackendLocation location, string key, string version) =>
        SidecarPrefix(location, key) + version;

    public static string UploadRecordKey(BackendLocation location, string backendUploadId) =>
        location.InternalPrefix + "uploads/" + Hash(backendUploadId);

    public static string PartRecordPrefix(BackendLocation location, string backendUploadId) =>
        location.InternalPrefix + "parts/" + Hash(backendUploadId) + "/";

    /// <summary>One record per (part number, backend part ETag): the valid one is the one whose ETag the backend still has.</summary>
    public static string PartRecordKey(BackendLocation location, string backendUploadId, int partNumber, string backendETag) =>
        PartRecordPrefix(location, backendUploadId) + partNumber.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)
        + "/" + SafeETag(backendETag);

    public static string ConfigKey(BackendLocation location, string name)
    {
        if (name.Length is 0 or > 64 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new StorageException(StorageErrorKind.InvalidKey, "The configuration name cannot be stored.");
        }
        return location.InternalPrefix + "config/" + name;
    }

    /// <summary>Backend ETags without quotes and anything that could not sit in a key.</summary>
    public static string SafeETag(string? etag) =>
        new((etag ?? "").Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray());

    internal static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    internal static bool IsValidUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static StorageException InvalidBucket(string bucket) =>
        new(StorageErrorKind.InvalidKey, $"Bucket name {Truncate(bucket)} cannot be mapped to the backend.");

    internal static string Truncate(string key) => key.Length <= 200 ? key : key[..200] + "…";
}
