namespace StorageOperator.Storage;

/// <summary>
/// Everything stored beside an object's bytes. The backend treats it as opaque:
/// the S3 layer decides what goes in (ETag, content headers, user metadata, checksums,
/// and the internal SSE entries such as sealed keys).
/// </summary>
public sealed record ObjectMetadata
{
    /// <summary>The S3 ETag without quotes, e.g. "9b2cf535f27731c974343645a3985328" or "…-3".</summary>
    public required string ETag { get; init; }

    /// <summary>
    /// Headers returned as-is (Content-Type, Cache-Control, x-amz-meta-*, x-amz-checksum-*, …),
    /// plus internal entries whose names start with "x-internal-" that are never returned.
    /// Ordinal, case-insensitive on lookup by the S3 layer.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>For multipart objects: the parts as stored, in order (needed for part-wise decryption and partNumber GETs).</summary>
    public IReadOnlyList<ObjectPart> Parts { get; init; } = [];
}

/// <summary>One part of a completed multipart object, as stored.</summary>
/// <param name="Size">bytes stored for this part.</param>
/// <param name="ActualSize">plaintext bytes (equals Size when not encrypted).</param>
public sealed record ObjectPart(int Number, long Size, long ActualSize, string ETag);
