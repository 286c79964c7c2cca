namespace StorageOperator.Crypto.Keys;

/// <summary>The domain strings mixed into the sealing key (MinIO <c>Type.String()</c>); part of the format.</summary>
public static class SealDomain
{
    public const string SseC = "SSE-C";
    public const string SseS3 = "SSE-S3";
    public const string SseKms = "SSE-KMS";
}
