using StorageOperator.Crypto.Sse;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// The encryption a write asks for, after header validation (or after applying bucket defaults and
/// auto-encryption): <see cref="SseType.None"/>, SSE-C with <see cref="CustomerKey"/>, SSE-S3, or SSE-KMS with an
/// optional <see cref="KmsKeyId"/> (null/empty = the default key) and client <see cref="Context"/>.
/// </summary>
public sealed record SseRequest(
    SseType Type,
    SseCustomerKey? CustomerKey = null,
    string? KmsKeyId = null,
    IReadOnlyDictionary<string, string>? Context = null,
    bool BucketKeyEnabled = false)
{
    public static SseRequest None { get; } = new(SseType.None);

    public bool IsEncrypted => Type != SseType.None;
}
