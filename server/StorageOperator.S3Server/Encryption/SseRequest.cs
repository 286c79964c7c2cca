using StorageOperator.Crypto.Sse;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// The encryption a write asks for, after header validation (or after applying bucket defaults and
/// auto-encryption): <see cref="SseType.None"/>, SSE-C with <see cref="CustomerKey"/>, SSE-S3, or SSE-KMS with an
/// optional <see cref="KmsKeyId"/> (null/empty = the default key) and client <see cref="Context"/>.
/// <see cref="BucketKeyEnabled"/> is the x-amz-server-side-encryption-bucket-key-enabled header (null when absent, so
/// that the bucket default can fill it in); it is kept even on a request without SSE headers for that reason.
/// </summary>
public sealed record SseRequest(
    SseType Type,
    SseCustomerKey? CustomerKey = null,
    string? KmsKeyId = null,
    IReadOnlyDictionary<string, string>? Context = null,
    bool? BucketKeyEnabled = null)
{
    public static SseRequest None { get; } = new(SseType.None);

    public bool IsEncrypted => Type != SseType.None;

    /// <summary>S3 Bucket Keys apply to SSE-KMS only (AWS); elsewhere the header is ignored.</summary>
    public bool UsesBucketKey => Type == SseType.SseKms && BucketKeyEnabled == true;
}
