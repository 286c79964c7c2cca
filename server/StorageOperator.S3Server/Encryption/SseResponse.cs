using StorageOperator.Crypto.Sse;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// The SSE response headers of an object (reference §2.10, §1.2): <c>AES256</c> for SSE-S3; <c>aws:kms</c>, the key
/// ARN and (on writes only, as in AWS's model) the context for SSE-KMS; the algorithm and key MD5 for SSE-C.
/// </summary>
public sealed record SseResponse(SseType Type, string? KmsKeyId = null, string? ContextBase64 = null, string? CustomerKeyMd5 = null, bool BucketKeyEnabled = false)
{
    public static SseResponse None { get; } = new(SseType.None);

    public IEnumerable<KeyValuePair<string, string>> Headers(bool includeContext)
    {
        switch (Type)
        {
            case SseType.SseS3:
                yield return new(SseHeaderNames.ServerSideEncryption, SseHeaderNames.Aes256);
                break;
            case SseType.SseKms:
                yield return new(SseHeaderNames.ServerSideEncryption, SseHeaderNames.AwsKms);
                if (KmsKeyId is not null)
                {
                    yield return new(SseHeaderNames.KmsKeyId,
                        KmsKeyId.StartsWith(SseHeaderNames.KmsArnPrefix, StringComparison.Ordinal) ? KmsKeyId : SseHeaderNames.KmsArnPrefix + KmsKeyId);
                }

                if (includeContext && ContextBase64 is not null)
                {
                    yield return new(SseHeaderNames.Context, ContextBase64);
                }

                if (BucketKeyEnabled)
                {
                    yield return new(SseHeaderNames.BucketKeyEnabled, "true");
                }

                break;
            case SseType.SseC:
                yield return new(SseHeaderNames.CustomerAlgorithm, SseHeaderNames.Aes256);
                if (CustomerKeyMd5 is not null)
                {
                    yield return new(SseHeaderNames.CustomerKeyMd5, CustomerKeyMd5);
                }

                break;
        }
    }
}
