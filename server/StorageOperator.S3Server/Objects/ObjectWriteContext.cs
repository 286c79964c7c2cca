using Microsoft.AspNetCore.Http;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Objects;

/// <param name="Upload">set for UploadPart / UploadPartCopy.</param>
public sealed record ObjectWriteContext(string Bucket, string Key, IHeaderDictionary RequestHeaders, MultipartUploadInfo? Upload = null, int? PartNumber = null);
