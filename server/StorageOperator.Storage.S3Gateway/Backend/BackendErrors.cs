using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace StorageOperator.Storage.S3Gateway.Backend;

/// <summary>Backend failures → <see cref="StorageException"/>: missing things by kind, everything transient as Unavailable.</summary>
internal static class BackendErrors
{
    public static bool IsNotFound(Exception e) =>
        e is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound };

    public static bool IsNoSuchBucket(Exception e) =>
        e is AmazonS3Exception { ErrorCode: "NoSuchBucket" };

    public static bool IsPreconditionFailed(Exception e) =>
        e is AmazonS3Exception s3 && (s3.StatusCode == HttpStatusCode.PreconditionFailed || s3.ErrorCode == "PreconditionFailed");

    /// <returns>the exception to throw instead, or null to rethrow the original (the caller's own cancellation).</returns>
    public static StorageException? Map(Exception e, CancellationToken ct)
    {
        switch (e)
        {
            case StorageException:
                return null;
            case OperationCanceledException when ct.IsCancellationRequested:
                return null;
            case AmazonS3Exception s3:
                return MapS3(s3);
            case AmazonServiceException service:
                return Unavailable($"the backend answered {(int)service.StatusCode} {service.ErrorCode}", e);
            case OperationCanceledException:
                return Unavailable("the backend did not answer in time", e);
            case HttpRequestException or IOException or System.Net.Sockets.SocketException or AmazonClientException:
                return Unavailable("the backend cannot be reached: " + e.Message, e);
            default:
                return null;
        }
    }

    private static StorageException MapS3(AmazonS3Exception e)
    {
        var kind = e.ErrorCode switch
        {
            "NoSuchBucket" => StorageErrorKind.NoSuchBucket,
            "NoSuchKey" => StorageErrorKind.NoSuchKey,
            "NoSuchUpload" => StorageErrorKind.NoSuchUpload,
            "PreconditionFailed" => StorageErrorKind.PreconditionFailed,
            "InvalidPart" or "InvalidPartOrder" or "EntityTooSmall" => StorageErrorKind.InvalidPart,
            "BucketNotEmpty" => StorageErrorKind.BucketNotEmpty,
            "BucketAlreadyExists" or "BucketAlreadyOwnedByYou" => StorageErrorKind.BucketAlreadyExists,
            "KeyTooLongError" or "InvalidObjectName" or "InvalidBucketName" => StorageErrorKind.InvalidKey,
            _ => e.StatusCode switch
            {
                HttpStatusCode.PreconditionFailed => StorageErrorKind.PreconditionFailed,
                HttpStatusCode.NotFound => StorageErrorKind.NoSuchKey,
                _ => StorageErrorKind.Unavailable,
            },
        };
        var message = kind == StorageErrorKind.Unavailable
            ? $"the backend answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}"
            : $"{e.ErrorCode ?? e.StatusCode.ToString()} (backend)";
        return new StorageException(kind, message, e);
    }

    private static StorageException Unavailable(string message, Exception inner) =>
        new(StorageErrorKind.Unavailable, "S3 gateway: " + message, inner);
}
