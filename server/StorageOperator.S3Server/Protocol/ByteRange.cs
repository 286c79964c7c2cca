namespace StorageOperator.S3Server.Protocol;

/// <summary>A satisfiable byte range [Start, Start+Length).</summary>
public readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    public string ContentRange(long size) => $"bytes {Start}-{End}/{size}";
}
