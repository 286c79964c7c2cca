namespace StorageOperator.S3Server.Encryption.Rewrap;

/// <param name="Rewrapped">objects whose key is now sealed under a new data key.</param>
/// <param name="Skipped">objects that are not SSE-S3/SSE-KMS (plaintext, SSE-C) or were done in an earlier run.</param>
/// <param name="Failed">objects that could not be re-wrapped (listed on the error output; rerun to retry them).</param>
public sealed record RewrapSummary(long Scanned, long Rewrapped, long Skipped, long Failed);
