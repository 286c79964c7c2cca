using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Kms;

namespace StorageOperator.Crypto.Sse;

/// <summary>
/// Reads and writes the internal SSE entries (<see cref="SseMetadataKeys"/>) with MinIO's rules: which sealed-key
/// entry is present decides the type (KMS, then S3, then C); the KMS key id and wrapped data key are stored under
/// the same names for SSE-S3 and SSE-KMS.
/// </summary>
public static class SseObjectMetadata
{
    public static SseType DetectType(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.ContainsKey(SseMetadataKeys.SealedKeySseKms))
        {
            return SseType.SseKms;
        }

        if (metadata.ContainsKey(SseMetadataKeys.SealedKeySseS3))
        {
            return SseType.SseS3;
        }

        return metadata.ContainsKey(SseMetadataKeys.SealedKeySseC) ? SseType.SseC : SseType.None;
    }

    /// <summary>Whether any SSE entry is present (an object with a partial set is encrypted, just broken).</summary>
    public static bool IsEncrypted(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return SseMetadataKeys.All.Any(metadata.ContainsKey);
    }

    /// <summary>Writes the entries for <paramref name="encryption"/>, removing stale SSE entries first.</summary>
    public static void Write(IDictionary<string, string> metadata, SseObjectEncryption encryption)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(encryption);
        RemoveAll(metadata);
        var sealedKeyName = encryption.Type switch
        {
            SseType.SseC => SseMetadataKeys.SealedKeySseC,
            SseType.SseS3 => SseMetadataKeys.SealedKeySseS3,
            SseType.SseKms => SseMetadataKeys.SealedKeySseKms,
            _ => throw new ArgumentException("No encryption to write.", nameof(encryption)),
        };

        metadata[SseMetadataKeys.SealAlgorithm] = encryption.SealedKey.Algorithm;
        metadata[SseMetadataKeys.Iv] = Convert.ToBase64String(encryption.SealedKey.Iv);
        metadata[sealedKeyName] = Convert.ToBase64String(encryption.SealedKey.Key);
        if (encryption.Type != SseType.SseC)
        {
            if (string.IsNullOrEmpty(encryption.KmsKeyId) || encryption.KmsCiphertext is not { Length: > 0 })
            {
                throw new ArgumentException("SSE-S3 and SSE-KMS need the KMS key id and the wrapped data key.", nameof(encryption));
            }

            metadata[SseMetadataKeys.KmsKeyId] = encryption.KmsKeyId;
            metadata[SseMetadataKeys.KmsDataKey] = Convert.ToBase64String(encryption.KmsCiphertext);
        }

        if (encryption.Type == SseType.SseKms && encryption.ClientContext is { Count: > 0 } context)
        {
            metadata[SseMetadataKeys.Context] = Convert.ToBase64String(KmsContext.Marshal(context));
        }

        if (encryption.Type == SseType.SseKms && encryption.BucketKey)
        {
            metadata[SseMetadataKeys.BucketKey] = string.Empty;
        }

        if (encryption.IsMultipart)
        {
            metadata[SseMetadataKeys.Multipart] = string.Empty;
        }
    }

    /// <summary>Parses the SSE entries; null when the object is not encrypted.</summary>
    /// <exception cref="SseMetadataException">entries are missing or malformed.</exception>
    public static SseObjectEncryption? Read(IReadOnlyDictionary<string, string> metadata)
    {
        var type = DetectType(metadata);
        if (type == SseType.None)
        {
            return IsEncrypted(metadata)
                ? throw new SseMetadataException("The object has SSE metadata but no sealed key.")
                : null;
        }

        var algorithm = Require(metadata, SseMetadataKeys.SealAlgorithm);
        var iv = Base64(metadata, SseMetadataKeys.Iv, SealedKey.IvSize);
        var sealedKeyName = type switch
        {
            SseType.SseC => SseMetadataKeys.SealedKeySseC,
            SseType.SseS3 => SseMetadataKeys.SealedKeySseS3,
            _ => SseMetadataKeys.SealedKeySseKms,
        };
        var sealedKey = new SealedKey(Base64(metadata, sealedKeyName, SealedKey.KeySize), iv, algorithm);

        string? keyId = null;
        byte[]? ciphertext = null;
        IReadOnlyDictionary<string, string>? context = null;
        if (type != SseType.SseC)
        {
            keyId = Require(metadata, SseMetadataKeys.KmsKeyId);
            ciphertext = Base64(metadata, SseMetadataKeys.KmsDataKey, null);
            if (metadata.TryGetValue(SseMetadataKeys.Context, out var b64Context))
            {
                try
                {
                    context = KmsContext.Parse(Convert.FromBase64String(b64Context));
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new SseMetadataException("The stored KMS context is malformed.", e);
                }
            }
        }

        return new SseObjectEncryption(type, sealedKey, keyId, ciphertext, context, metadata.ContainsKey(SseMetadataKeys.Multipart),
            type == SseType.SseKms && metadata.ContainsKey(SseMetadataKeys.BucketKey));
    }

    public static void RemoveAll(IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var key in metadata.Keys.Where(k => SseMetadataKeys.MinioNames.ContainsKey(k)).ToList())
        {
            metadata.Remove(key);
        }
    }

    private static string Require(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw new SseMetadataException($"The SSE metadata entry {key} is missing.");

    private static byte[] Base64(IReadOnlyDictionary<string, string> metadata, string key, int? size)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(Require(metadata, key));
        }
        catch (FormatException e)
        {
            throw new SseMetadataException($"The SSE metadata entry {key} is not base64.", e);
        }

        return size is null || bytes.Length == size
            ? bytes
            : throw new SseMetadataException($"The SSE metadata entry {key} has the wrong length.");
    }
}
