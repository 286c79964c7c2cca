namespace StorageOperator.Crypto.Sse;

public enum SseType
{
    None,

    /// <summary>Customer-provided key (SSE-C).</summary>
    SseC,

    /// <summary>S3-managed key (<c>AES256</c>), a data key from the KMS default key.</summary>
    SseS3,

    /// <summary>KMS key (<c>aws:kms</c>), a data key from the named KMS key.</summary>
    SseKms,
}
