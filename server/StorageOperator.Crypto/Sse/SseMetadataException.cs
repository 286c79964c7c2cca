namespace StorageOperator.Crypto.Sse;

/// <summary>The internal SSE metadata of an object is incomplete or malformed (treated as tampering).</summary>
public sealed class SseMetadataException : Exception
{
    public SseMetadataException(string message)
        : base(message)
    {
    }

    public SseMetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
