namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>
/// Where a completed multipart object keeps its data: the part files of upload <see cref="UploadId"/>, left in
/// place in buckets/b{name}/segments/{id}/ and read one after another in the order of <see cref="Parts"/>.
/// The object's own Parts list is the caller's metadata (it may be replaced by a metadata update, or be empty), so
/// the segments carry their own numbers and lengths.
/// </summary>
internal sealed class StoredSegments
{
    public required string UploadId { get; init; }

    public required List<StoredSegment> Parts { get; init; }
}
