namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// How to serve a plaintext range of a stored object: read stored bytes [<see cref="StoredOffset"/>,
/// +<see cref="StoredLength"/>) and pass them through <see cref="Wrap"/>; <see cref="Response"/> are the SSE headers.
/// </summary>
public sealed record SseDecodedRead(long StoredOffset, long StoredLength, Func<Stream, Stream> Wrap, SseResponse Response);
