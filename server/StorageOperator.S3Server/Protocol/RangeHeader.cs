using System.Globalization;

namespace StorageOperator.S3Server.Protocol;

public static class RangeHeader
{
    /// <summary>Parses "bytes=a-b", "bytes=a-" and "bytes=-n" against <paramref name="size"/>, following AWS.</summary>
    public static (RangeOutcome Outcome, ByteRange Range) Evaluate(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return (RangeOutcome.Whole, default);
        }

        var h = header.Trim();
        if (!h.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return (RangeOutcome.Whole, default);
        }

        var spec = h[6..].Trim();
        if (spec.Contains(','))
        {
            return (RangeOutcome.Whole, default);
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return (RangeOutcome.Whole, default);
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!TryParse(last, out var suffix))
            {
                return (RangeOutcome.Whole, default);
            }

            if (suffix == 0 || size == 0)
            {
                return (RangeOutcome.Unsatisfiable, default);
            }

            var n = Math.Min(suffix, size);
            return (RangeOutcome.Partial, new ByteRange(size - n, n));
        }

        if (!TryParse(first, out var start))
        {
            return (RangeOutcome.Whole, default);
        }

        long end;
        if (last.Length == 0)
        {
            end = size - 1;
        }
        else if (!TryParse(last, out end))
        {
            return (RangeOutcome.Whole, default);
        }
        else if (end < start)
        {
            return (RangeOutcome.Whole, default);
        }

        if (start >= size)
        {
            return (RangeOutcome.Unsatisfiable, default);
        }

        end = Math.Min(end, size - 1);
        return (RangeOutcome.Partial, new ByteRange(start, end - start + 1));
    }

    /// <summary>x-amz-copy-source-range: "bytes=a-b" only, both required and within the source.</summary>
    public static ByteRange? ParseCopySourceRange(string header, long size)
    {
        var h = header.Trim();
        if (!h.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = h[6..].Split('-');
        if (parts.Length != 2 || !TryParse(parts[0], out var a) || !TryParse(parts[1], out var b) || b < a || b >= size)
        {
            return null;
        }

        return new ByteRange(a, b - a + 1);
    }

    private static bool TryParse(string s, out long value) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
