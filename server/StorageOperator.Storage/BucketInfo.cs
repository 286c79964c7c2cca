namespace StorageOperator.Storage;

public sealed record BucketInfo(string Name, DateTimeOffset CreationDate);
