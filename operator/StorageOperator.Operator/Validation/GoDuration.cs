using System.Globalization;
using System.Text.RegularExpressions;

namespace StorageOperator.Operator.Validation;

/// <summary>Parses Go duration strings (<c>2160h</c>, <c>1h30m</c>) as used by cert-manager and metav1.Duration.</summary>
public static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !Whole().IsMatch(text))
        {
            return false;
        }
        double ticks = 0;
        foreach (Match m in Part().Matches(text))
        {
            var number = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += number * m.Groups[2].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => throw new InvalidOperationException(),
            };
        }
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
