using System.Globalization;

namespace StorageOperator.S3Server.Protocol;

/// <summary>
/// RFC 7232 precondition evaluation with S3's precedence: If-Match decides over
/// If-Unmodified-Since, If-None-Match decides over If-Modified-Since; 412 checks run first.
/// </summary>
public static class Conditionals
{
    public static ConditionalOutcome Evaluate(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince,
        string etag, DateTimeOffset lastModified, bool isReadRequest = true)
    {
        // HTTP dates have one-second resolution
        var lm = TruncateToSeconds(lastModified);
        if (!string.IsNullOrWhiteSpace(ifMatch))
        {
            if (!ETagListMatches(ifMatch, etag))
            {
                return ConditionalOutcome.PreconditionFailed;
            }
        }
        else if (TryParseHttpDate(ifUnmodifiedSince, out var ius) && lm > ius)
        {
            return ConditionalOutcome.PreconditionFailed;
        }

        if (!string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            if (ETagListMatches(ifNoneMatch, etag))
            {
                return isReadRequest ? ConditionalOutcome.NotModified : ConditionalOutcome.PreconditionFailed;
            }
        }
        else if (isReadRequest && TryParseHttpDate(ifModifiedSince, out var ims) && lm <= ims)
        {
            return ConditionalOutcome.NotModified;
        }

        return ConditionalOutcome.Proceed;
    }

    public static bool ETagListMatches(string list, string etag)
    {
        foreach (var raw in list.Split(','))
        {
            var t = raw.Trim();
            if (t == "*")
            {
                return true;
            }

            if (t.StartsWith("W/", StringComparison.Ordinal))
            {
                t = t[2..];
            }

            if (string.Equals(t.Trim('"'), etag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryParseHttpDate(string? value, out DateTimeOffset date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        string[] formats = ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"];
        return DateTimeOffset.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out date);
    }

    public static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), t.Offset);
}
