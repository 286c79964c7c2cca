using System.Text;

namespace StorageOperator.S3Server.Protocol;

/// <summary>S3 orders keys by their UTF-8 bytes, which differs from .NET's ordinal (UTF-16) order above U+FFFF.</summary>
public sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
