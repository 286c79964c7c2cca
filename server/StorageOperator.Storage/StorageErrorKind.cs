namespace StorageOperator.Storage;

public enum StorageErrorKind
{
    NoSuchBucket,
    BucketAlreadyExists,
    BucketNotEmpty,
    NoSuchKey,
    NoSuchUpload,
    InvalidPart,
    PreconditionFailed,
    /// <summary>A key that cannot be stored (too long, invalid UTF-8, reserved name).</summary>
    InvalidKey,
    /// <summary>The backend could not be reached or refused service for now; retry later.</summary>
    Unavailable,
}
