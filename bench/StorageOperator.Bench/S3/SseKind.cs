namespace StorageOperator.Bench.S3;

public enum SseKind
{
    None,
    SseS3,
    SseKms,
    SseC,
}
