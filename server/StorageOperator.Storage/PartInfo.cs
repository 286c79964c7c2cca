namespace StorageOperator.Storage;

/// <param name="Size">bytes stored.</param>
public sealed record PartInfo(int PartNumber, long Size, DateTimeOffset LastModified, PartMetadata Metadata);
