namespace StorageOperator.S3Server.Protocol;

/// <summary>Every request is classified into exactly one operation before anything else happens.</summary>
public enum S3Operation
{
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    GetBucketVersioning,
    GetBucketAcl,
    ListObjects,
    ListObjectsV2,

    /// <summary>Unversioned buckets: every object is its only ("null") version. Cleanup tools list versions.</summary>
    ListObjectVersions,
    ListMultipartUploads,
    DeleteObjects,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    GetObjectAcl,

    /// <summary>Tags are not stored: always the empty tag set.</summary>
    GetObjectTagging,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,

    /// <summary>Bucket default encryption (<c>?encryption</c>).</summary>
    PutBucketEncryption,
    GetBucketEncryption,
    DeleteBucketEncryption,

    /// <summary>
    /// PUT ?acl on a bucket or object: only the owner-only ACL exists here, so "private" (canned, or a body granting
    /// the owner FULL_CONTROL alone) is accepted as a no-op and anything wider is NotImplemented, as in MinIO.
    /// </summary>
    PutAcl,

    /// <summary>
    /// GET of a bucket configuration we never store (policy, CORS, lifecycle, tagging, object lock, website,
    /// replication; the route's Detail names it): AWS's "not configured" 404, which tools treat as "none".
    /// </summary>
    GetUnsetBucketConfiguration,

    /// <summary>POST on a bucket with a multipart/form-data body: a browser-form upload authenticated by its policy.</summary>
    PostObject,

    /// <summary>A recognised S3 API we do not implement (ACL writes, tagging, policy, lifecycle ...): 501.</summary>
    NotImplemented,

    /// <summary>A method the resource does not support: 405.</summary>
    MethodNotAllowed,
}
