namespace StorageOperator.Storage.FileSystem.Format;

internal sealed record StoredObjectPart(int Number, long Size, long ActualSize, string ETag);
