using System.Net;

namespace StorageOperator.S3Server.Protocol;

/// <summary>AWS general-purpose bucket naming rules (3–63 characters; MinIO enforces the same minimum).</summary>
public static class BucketNames
{
    public const int MinLength = 3;
    public const int MaxLength = 63;

    public static bool IsValid(string name)
    {
        if (name.Length is < MinLength or > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
            {
                return false;
            }
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal))
        {
            return false;
        }

        if (name.StartsWith("xn--", StringComparison.Ordinal) || name.StartsWith("sthree-", StringComparison.Ordinal)
            || name.EndsWith("-s3alias", StringComparison.Ordinal) || name.EndsWith("--ol-s3", StringComparison.Ordinal))
        {
            return false;
        }

        return !(name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _));
    }
}
