namespace StorageOperator.S3Server.Protocol;

/// <param name="Bucket">null for service-level requests.</param>
/// <param name="Key">null for bucket-level requests; may contain any UTF-8 (decoded).</param>
/// <param name="Detail">for NotImplemented: the sub-resource or API that was asked for.</param>
public sealed record S3Route(S3Operation Operation, string? Bucket, string? Key, string? Detail = null);
