namespace StorageOperator.S3Server.Objects;

/// <summary>The stored byte range to read and the wrapper turning it into exactly the requested plaintext.</summary>
public sealed record DecodedRead(long StoredOffset, long StoredLength, Func<Stream, Stream> Wrap);
