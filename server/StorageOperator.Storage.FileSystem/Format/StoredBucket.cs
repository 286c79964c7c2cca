namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>bucket.json.</summary>
internal sealed class StoredBucket
{
    public DateTimeOffset Created { get; init; }
}
