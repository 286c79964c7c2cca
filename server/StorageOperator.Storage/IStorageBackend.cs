namespace StorageOperator.Storage;

/// <summary>
/// The seam below the S3 semantics: buckets, whole objects, multipart parts and listings.
/// A backend stores bytes and an opaque metadata record; it knows nothing of SigV4, SSE or XML.
/// Implementations: the filesystem (embedded default) and, later, an S3 gateway.
/// Errors are reported as <see cref="StorageException"/> with a <see cref="StorageErrorKind"/>.
/// </summary>
public interface IStorageBackend
{
    Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct);

    /// <exception cref="StorageException">BucketAlreadyExists.</exception>
    Task CreateBucketAsync(string bucket, CancellationToken ct);

    /// <returns>null when the bucket does not exist.</returns>
    Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct);

    /// <exception cref="StorageException">NoSuchBucket, BucketNotEmpty.</exception>
    Task DeleteBucketAsync(string bucket, CancellationToken ct);

    /// <summary>Per-bucket configuration documents (e.g. "encryption"), stored atomically.</summary>
    Task<byte[]?> GetBucketConfigAsync(string bucket, string name, CancellationToken ct);
    Task PutBucketConfigAsync(string bucket, string name, ReadOnlyMemory<byte> document, CancellationToken ct);
    Task DeleteBucketConfigAsync(string bucket, string name, CancellationToken ct);

    /// <summary>
    /// Streams <paramref name="data"/> to a private temporary location, then calls
    /// <paramref name="complete"/> with the number of bytes written; only if it returns
    /// the object (data + metadata) is published atomically. If <paramref name="complete"/>
    /// throws (e.g. BadDigest), nothing is published and the temporary data is removed.
    /// </summary>
    /// <param name="precondition">
    /// S3's conditional writes (If-None-Match / If-Match): given the object the write would replace (null when
    /// none), returns the error to throw instead of publishing, or null to go ahead. The filesystem backend evaluates
    /// it atomically with the publish; the gateway backend just before it starts (the backend store decides races).
    /// </param>
    /// <exception cref="StorageException">NoSuchBucket.</exception>
    Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream data,
        Func<long, ObjectMetadata> complete, CancellationToken ct, Func<ObjectInfo?, Exception?>? precondition = null);

    /// <returns>null when the object does not exist.</returns>
    /// <exception cref="StorageException">NoSuchBucket.</exception>
    Task<ObjectInfo?> GetObjectInfoAsync(string bucket, string key, CancellationToken ct);

    /// <summary>
    /// Opens a consistent snapshot of one object version: the returned info and stream
    /// belong together even if a concurrent PUT replaces the object meanwhile.
    /// </summary>
    /// <exception cref="StorageException">NoSuchBucket, NoSuchKey.</exception>
    Task<ObjectReader> OpenObjectAsync(string bucket, string key, CancellationToken ct);

    /// <summary>Replaces an object's metadata only (same data). Used by in-place copy and key re-wrap.</summary>
    /// <param name="expectedETag">only replace if the current object still has this stored ETag.</param>
    /// <exception cref="StorageException">NoSuchKey, PreconditionFailed.</exception>
    Task<ObjectInfo> UpdateObjectMetadataAsync(string bucket, string key, string expectedETag,
        ObjectMetadata metadata, CancellationToken ct);

    /// <summary>Deletes an object; deleting a missing key is not an error.</summary>
    /// <exception cref="StorageException">NoSuchBucket.</exception>
    Task DeleteObjectAsync(string bucket, string key, CancellationToken ct);

    /// <summary>
    /// Lists keys greater than <see cref="ListRequest.StartAfter"/> in UTF-8 byte order,
    /// folding keys that contain the delimiter after the prefix into common prefixes.
    /// </summary>
    Task<ListResult> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct);

    // ---- multipart ----

    /// <returns>a new upload id.</returns>
    Task<string> CreateMultipartUploadAsync(string bucket, string key, ObjectMetadata metadata, CancellationToken ct);

    /// <exception cref="StorageException">NoSuchUpload.</exception>
    Task<MultipartUploadInfo> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct);

    /// <summary>
    /// Streams one part; <paramref name="complete"/> validates it and returns its metadata
    /// (ETag, checksums, sizes) after the data is written, as for <see cref="PutObjectAsync"/>.
    /// A later upload of the same part number replaces the earlier one atomically.
    /// </summary>
    /// <exception cref="StorageException">NoSuchUpload.</exception>
    Task<PartInfo> PutPartAsync(string bucket, string key, string uploadId, int partNumber, Stream data,
        Func<long, PartMetadata> complete, CancellationToken ct);

    /// <exception cref="StorageException">NoSuchUpload.</exception>
    Task<IReadOnlyList<PartInfo>> ListPartsAsync(string bucket, string key, string uploadId, CancellationToken ct);

    /// <summary>
    /// Concatenates the chosen parts (in the given order) into the object and publishes it
    /// atomically with <paramref name="metadata"/>; then removes the upload.
    /// The caller has validated the part list against <see cref="ListPartsAsync"/>.
    /// </summary>
    /// <exception cref="StorageException">NoSuchUpload, InvalidPart.</exception>
    Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId,
        IReadOnlyList<int> partNumbers, ObjectMetadata metadata, CancellationToken ct);

    /// <exception cref="StorageException">NoSuchUpload.</exception>
    Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct);

    /// <summary>Uploads in progress, ordered by key then initiation time.</summary>
    Task<IReadOnlyList<MultipartUploadInfo>> ListMultipartUploadsAsync(string bucket, string? prefix, CancellationToken ct);
}
