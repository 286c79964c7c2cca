using System.Globalization;

namespace StorageOperator.Bench.Profiling;

/// <summary>Pure parsing of <c>perf report --stdio --no-children -g none</c> lines: "  12.34%  dso  [.] symbol".</summary>
public static class PerfReportParser
{
    public static IEnumerable<PerfEntry> Parse(string report)
    {
        foreach (var raw in report.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var percent = line.IndexOf('%');
            if (percent <= 0 || !double.TryParse(line[..percent], NumberStyles.Float, CultureInfo.InvariantCulture, out var share))
            {
                continue;
            }

            var what = line[(percent + 1)..].Trim();
            what = what.Replace("[.] ", "", StringComparison.Ordinal).Replace("[k] ", "", StringComparison.Ordinal);

            // perf pads unresolved source columns with "-".
            while (what.EndsWith(" -", StringComparison.Ordinal))
            {
                what = what[..^2].TrimEnd();
            }

            yield return new PerfEntry(share, string.Join(' ', what.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }
    }
}

public sealed record PerfEntry(double Percent, string What);
