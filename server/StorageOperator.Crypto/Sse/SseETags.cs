using System.Security.Cryptography;
using StorageOperator.Crypto.Keys;

namespace StorageOperator.Crypto.Sse;

/// <summary>
/// ETags of encrypted objects and parts (§2.9): stored sealed (48 bytes for an MD5), shown to clients as the MD5 for
/// SSE-S3 and as the last 16 bytes of the sealed value (the AEAD tag, random-looking) for SSE-C and SSE-KMS.
/// </summary>
public static class SseETags
{
    /// <summary>
    /// The "MD5" to seal when SSE-C or SSE-KMS is written without Content-MD5: 16 random bytes, as MinIO's
    /// <c>forceMD5</c> does, so the client-visible ETag reveals nothing about the plaintext.
    /// </summary>
    public static byte[] RandomMd5() => RandomNumberGenerator.GetBytes(16);

    /// <summary>The client-visible ETag (lowercase hex, no quotes) of a single-part object or a part.</summary>
    /// <param name="key">the object key (single-part) or part key holder; only needed for SSE-S3.</param>
    public static string ToClient(SseType type, ReadOnlySpan<byte> storedETag, ObjectKey? key)
    {
        if (!ObjectKey.IsETagSealed(storedETag))
        {
            return Convert.ToHexStringLower(storedETag);
        }

        if (type == SseType.SseS3)
        {
            ArgumentNullException.ThrowIfNull(key);
            return Convert.ToHexStringLower(key.UnsealETag(storedETag));
        }

        return Convert.ToHexStringLower(storedETag[^16..]);
    }

    /// <summary>S3 multipart ETag: MD5 of the concatenated binary part ETags (as the client saw them), "-" and the count.</summary>
    public static string Multipart(IReadOnlyList<string> clientPartETags)
    {
        ArgumentNullException.ThrowIfNull(clientPartETags);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var etag in clientPartETags)
        {
            md5.AppendData(Convert.FromHexString(etag.Trim('"')));
        }

        return $"{Convert.ToHexStringLower(md5.GetHashAndReset())}-{clientPartETags.Count}";
    }
}
