namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>The JSON metadata of an object file (and of an upload's future object).</summary>
internal sealed class StoredObject
{
    public required string ETag { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public Dictionary<string, string> Headers { get; init; } = [];
    public List<StoredObjectPart> Parts { get; init; } = [];
}
