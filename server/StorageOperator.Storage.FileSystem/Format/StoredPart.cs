namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>The JSON metadata of a part file.</summary>
internal sealed class StoredPart
{
    public required string ETag { get; init; }
    public long ActualSize { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public Dictionary<string, string> Headers { get; init; } = [];
}
