namespace StorageOperator.Storage;

public sealed record MultipartUploadInfo(string Bucket, string Key, string UploadId, DateTimeOffset Initiated, ObjectMetadata Metadata);
