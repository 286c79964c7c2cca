using StorageOperator.S3.Protocol.Errors;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Pipeline;

/// <summary>Backend errors in S3's words.</summary>
public static class StorageErrors
{
    /// <summary>Retry-After on 503s from an unavailable backend: long enough for a restarting backend, short for SDK back-off.</summary>
    public const int RetryAfterSeconds = 5;

    public static S3Exception ToS3(StorageException e) => e.Kind switch
    {
        StorageErrorKind.NoSuchBucket => new S3Exception(S3ErrorCode.NoSuchBucket, null, e),
        StorageErrorKind.BucketAlreadyExists => new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou, null, e),
        StorageErrorKind.BucketNotEmpty => new S3Exception(S3ErrorCode.BucketNotEmpty, null, e),
        StorageErrorKind.NoSuchKey => new S3Exception(S3ErrorCode.NoSuchKey, null, e),
        StorageErrorKind.NoSuchUpload => new S3Exception(S3ErrorCode.NoSuchUpload, null, e),
        StorageErrorKind.InvalidPart => new S3Exception(S3ErrorCode.InvalidPart, null, e),
        StorageErrorKind.PreconditionFailed => new S3Exception(S3ErrorCode.PreconditionFailed, null, e),
        StorageErrorKind.InvalidKey => new S3Exception(S3ErrorCode.InvalidArgument, "Object name contains unsupported characters.", e),
        // the backend's own words may name internal hosts: logged by the backend, not sent to clients
        StorageErrorKind.Unavailable => new S3Exception(S3ErrorCode.ServiceUnavailable, "The storage backend is unavailable. Please retry later.", e)
        {
            ExtraHeaders = [new("Retry-After", RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        },
        _ => new S3Exception(S3ErrorCode.InternalError, null, e),
    };
}
