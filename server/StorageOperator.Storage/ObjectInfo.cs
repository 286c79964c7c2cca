namespace StorageOperator.Storage;

/// <param name="Size">bytes stored (ciphertext size for encrypted objects).</param>
public sealed record ObjectInfo(string Bucket, string Key, long Size, DateTimeOffset LastModified, ObjectMetadata Metadata);
