namespace StorageOperator.Storage.FileSystem.Listing;

/// <summary>S3 orders keys by their UTF-8 bytes, which differs from .NET string ordering above U+FFFF.</summary>
internal static class ByteOrder
{
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    public static bool StartsWith(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix) => value.StartsWith(prefix);

    public static readonly IComparer<byte[]> Comparer = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));
}
