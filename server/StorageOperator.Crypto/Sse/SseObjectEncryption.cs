using StorageOperator.Crypto.Keys;

namespace StorageOperator.Crypto.Sse;

/// <summary>The SSE state of a stored object, as read from (or about to be written to) its internal metadata.</summary>
/// <param name="Type">SSE-C, SSE-S3 or SSE-KMS.</param>
/// <param name="SealedKey">the sealed object key.</param>
/// <param name="KmsKeyId">KMS key name (SSE-S3/SSE-KMS).</param>
/// <param name="KmsCiphertext">the KMS-wrapped data key (SSE-S3/SSE-KMS).</param>
/// <param name="ClientContext">SSE-KMS context the client sent (not including the bucket entry), or null.</param>
/// <param name="IsMultipart">parts are encrypted with part keys.</param>
/// <param name="BucketKey">SSE-KMS with an S3 Bucket Key: the data key's KMS context is the bucket's
/// (<see cref="Kms.KmsContext.ForBucket"/>), not the object's, and the data key may be shared with other objects.</param>
public sealed record SseObjectEncryption(
    SseType Type,
    SealedKey SealedKey,
    string? KmsKeyId = null,
    byte[]? KmsCiphertext = null,
    IReadOnlyDictionary<string, string>? ClientContext = null,
    bool IsMultipart = false,
    bool BucketKey = false);
