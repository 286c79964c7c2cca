namespace StorageOperator.Storage;

/// <param name="ActualSize">plaintext size (equals stored size when not encrypted).</param>
/// <param name="Headers">per-part extras, e.g. checksums or a sealed part ETag.</param>
public sealed record PartMetadata(string ETag, long ActualSize, IReadOnlyDictionary<string, string> Headers);
