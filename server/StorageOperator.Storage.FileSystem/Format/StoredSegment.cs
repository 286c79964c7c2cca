namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>One segment of a multipart object: part file p{Number} and the length of its data.</summary>
internal sealed record StoredSegment(int Number, long Length);
