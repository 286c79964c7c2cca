namespace StorageOperator.S3.Protocol.Errors;

/// <summary>
/// AWS S3 error codes we return. The wire code is the enum name, except where
/// <see cref="S3ErrorCatalog"/> maps it (e.g. KMS.NotFoundException).
/// Adding a code without a catalogue entry fails the catalogue test.
/// </summary>
public enum S3ErrorCode
{
    AccessDenied,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    BadDigest,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    EntityTooLarge,
    EntityTooSmall,
    ExpiredToken,
    IncompleteBody,
    InternalError,
    InvalidAccessKeyId,
    InvalidArgument,
    InvalidBucketName,
    InvalidDigest,
    InvalidEncryptionAlgorithmError,
    InvalidPart,
    InvalidPartOrder,
    InvalidPartNumber,
    InvalidRange,
    InvalidRequest,
    InvalidObjectState,
    KeyTooLongError,
    MalformedXML,

    /// <summary>POST object: the multipart/form-data body is not well-formed.</summary>
    MalformedPOSTRequest,

    /// <summary>POST object: the policy is not valid base64 JSON or a condition is malformed.</summary>
    InvalidPolicyDocument,
    MetadataTooLarge,
    MethodNotAllowed,
    MissingContentLength,
    MissingSecurityHeader,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,

    // "this bucket has no such configuration": what GETs of configurations we never store answer
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchLifecycleConfiguration,
    NoSuchTagSet,
    NoSuchWebsiteConfiguration,
    ObjectLockConfigurationNotFoundError,
    ReplicationConfigurationNotFoundError,
    NotImplemented,
    NotModified,
    PreconditionFailed,
    RequestHeaderSectionTooLarge,
    RequestTimeTooSkewed,
    ServerSideEncryptionConfigurationNotFoundError,
    ServiceUnavailable,
    SignatureDoesNotMatch,
    SlowDown,
    XAmzContentSHA256Mismatch,
    InvalidChecksum,   // wire: "InvalidRequest"-style checksum mismatch is reported as BadDigest by AWS for MD5; for x-amz-checksum-* AWS says "XAmzContentChecksumMismatch"
    KmsNotFound,       // wire: KMS.NotFoundException
    KmsDisabled,       // wire: KMS.DisabledException
    KmsInternal,       // wire: KMS.KMSInternalException
    ObjectTampered,    // wire: XMinioObjectTampered (MinIO's code; AWS has none)
}
