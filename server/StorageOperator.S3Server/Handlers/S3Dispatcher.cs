using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Handlers;

/// <summary>Operation → handler, one exhaustive switch.</summary>
public sealed class S3Dispatcher(
    BucketHandlers buckets,
    ObjectReadHandlers reads,
    ObjectWriteHandlers writes,
    CopyHandlers copies,
    ListHandlers lists,
    MultipartHandlers multipart,
    BucketEncryptionHandlers encryption,
    PostObjectHandlers posts)
{
    public Task<S3Result> DispatchAsync(S3RequestContext ctx)
    {
        if (ctx.Route.Bucket is { } bucket && ctx.Route.Operation != S3Operation.CreateBucket)
        {
            RequestChecks.Bucket(bucket);
        }

        // any SSE-C key sent in clear text is refused, whatever the operation (AWS, MinIO)
        SseRequestParser.RequireSecureTransport(ctx.Request.Headers, ctx.Request.IsHttps);

        return ctx.Route.Operation switch
        {
            S3Operation.ListBuckets => buckets.ListBucketsAsync(ctx),
            S3Operation.CreateBucket => buckets.CreateBucketAsync(ctx),
            S3Operation.HeadBucket => buckets.HeadBucketAsync(ctx),
            S3Operation.DeleteBucket => buckets.DeleteBucketAsync(ctx),
            S3Operation.GetBucketLocation => buckets.GetBucketLocationAsync(ctx),
            S3Operation.GetBucketVersioning => buckets.GetBucketVersioningAsync(ctx),
            S3Operation.GetBucketAcl or S3Operation.GetObjectAcl => buckets.GetAclAsync(ctx),
            S3Operation.ListObjects => lists.ListObjectsV1Async(ctx),
            S3Operation.ListObjectsV2 => lists.ListObjectsV2Async(ctx),
            S3Operation.ListObjectVersions => lists.ListObjectVersionsAsync(ctx),
            S3Operation.GetObjectTagging => buckets.GetObjectTaggingAsync(ctx),
            S3Operation.ListMultipartUploads => multipart.ListUploadsAsync(ctx),
            S3Operation.DeleteObjects => writes.DeleteObjectsAsync(ctx),
            S3Operation.PutObject => writes.PutObjectAsync(ctx),
            S3Operation.PostObject => posts.PostObjectAsync(ctx),
            S3Operation.CopyObject => copies.CopyObjectAsync(ctx),
            S3Operation.GetObject => reads.GetObjectAsync(ctx),
            S3Operation.HeadObject => reads.HeadObjectAsync(ctx),
            S3Operation.DeleteObject => writes.DeleteObjectAsync(ctx),
            S3Operation.CreateMultipartUpload => multipart.CreateAsync(ctx),
            S3Operation.UploadPart => multipart.UploadPartAsync(ctx),
            S3Operation.UploadPartCopy => multipart.UploadPartCopyAsync(ctx),
            S3Operation.CompleteMultipartUpload => multipart.CompleteAsync(ctx),
            S3Operation.AbortMultipartUpload => multipart.AbortAsync(ctx),
            S3Operation.ListParts => multipart.ListPartsAsync(ctx),
            S3Operation.PutBucketEncryption => encryption.PutAsync(ctx),
            S3Operation.GetBucketEncryption => encryption.GetAsync(ctx),
            S3Operation.DeleteBucketEncryption => encryption.DeleteAsync(ctx),
            S3Operation.PutAcl => buckets.PutAclAsync(ctx),
            S3Operation.GetUnsetBucketConfiguration => buckets.GetUnsetConfigurationAsync(ctx),
            S3Operation.NotImplemented => throw new S3Exception(S3ErrorCode.NotImplemented,
                "A header you provided implies functionality that is not implemented"),
            S3Operation.MethodNotAllowed => throw new S3Exception(S3ErrorCode.MethodNotAllowed),
            _ => throw new S3Exception(S3ErrorCode.NotImplemented),
        };
    }
}
