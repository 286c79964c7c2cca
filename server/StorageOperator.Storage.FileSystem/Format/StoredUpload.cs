namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>upload.json: what CreateMultipartUpload was given.</summary>
internal sealed class StoredUpload
{
    public required string Key { get; init; }
    public DateTimeOffset Initiated { get; init; }
    public required StoredObject Metadata { get; init; }
}
