using System.Globalization;

namespace StorageOperator.KeyServer.Configuration;

/// <summary>Go <c>time.ParseDuration</c> syntax as KES configs use it: "15s", "5m", "1h30m", "500ms".</summary>
public static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var span = text.AsSpan();
        var total = 0.0;
        if (span.IsEmpty)
        {
            return false;
        }

        while (!span.IsEmpty)
        {
            var i = 0;
            while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.'))
            {
                i++;
            }

            if (i == 0 || !double.TryParse(span[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            span = span[i..];
            var j = 0;
            while (j < span.Length && char.IsAsciiLetter(span[j]) || j < span.Length && span[j] == 'µ')
            {
                j++;
            }

            double? unitMs = span[..j] switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                "ms" => 1,
                "us" or "µs" => 0.001,
                "ns" => 0.000_001,
                _ => null,
            };
            if (unitMs is null)
            {
                return false;
            }

            total += value * unitMs.Value;
            span = span[j..];
        }

        duration = TimeSpan.FromMilliseconds(total);
        return true;
    }
}
