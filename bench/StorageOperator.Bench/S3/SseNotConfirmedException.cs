namespace StorageOperator.Bench.S3;

/// <summary>The server answered 200 but did not confirm the encryption asked for.</summary>
public sealed class SseNotConfirmedException(string message) : Exception(message);
