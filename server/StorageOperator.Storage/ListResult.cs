namespace StorageOperator.Storage;

/// <summary>
/// Up to MaxKeys entries (objects and common prefixes together) in UTF-8 byte order.
/// <see cref="NextMarker"/> is the last key or prefix returned when <see cref="IsTruncated"/>.
/// </summary>
public sealed record ListResult(
    IReadOnlyList<ObjectInfo> Objects,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextMarker);
