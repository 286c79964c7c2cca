using System.Globalization;

namespace StorageOperator.Bench.Processes;

/// <summary>CPU time and memory of a process from Linux's /proc; parsing is pure, reading is at the edges.</summary>
public static class ProcStats
{
    /// <summary>USER_HZ: 100 on every Linux ABI .NET runs on; /proc reports CPU time in these ticks.</summary>
    private const double TicksPerSecond = 100.0;

    public static bool Available => File.Exists("/proc/self/stat");

    /// <summary>User + system CPU seconds the process has used so far, or NaN when unreadable.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            return ParseCpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>
    /// CPU seconds per thread name (.NET names its threads: ".NET TP Worker", ".NET Server GC", ".NET SocketEng", …),
    /// summed over the threads alive now: a poor man's profile of where the server's time goes.
    /// </summary>
    public static Dictionary<string, double> ThreadCpuSeconds(int pid)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var name = ParseThreadName(stat);
                    result[name] = result.GetValueOrDefault(name) + ParseCpuSeconds(stat);
                }
                catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return result;
    }

    public static string ParseThreadName(string stat)
    {
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        return open >= 0 && close > open ? stat[(open + 1)..close] : "?";
    }

    /// <summary>A field of /proc/pid/status in bytes (e.g. VmRSS, VmHWM), or -1 when unreadable.</summary>
    public static long StatusBytes(int pid, string field)
    {
        try
        {
            return ParseStatusKiB(File.ReadAllText($"/proc/{pid}/status"), field) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    /// <summary>Resets VmHWM to the current RSS (Linux 4.0+), so the peak of one scenario can be read on its own.</summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>utime and stime are fields 14 and 15; the command name before them may hold spaces and parentheses.</summary>
    public static double ParseCpuSeconds(string stat)
    {
        var afterName = stat.LastIndexOf(')');
        if (afterName < 0)
        {
            throw new FormatException("not a /proc/pid/stat line");
        }

        // After ") " come field 3 (state) onwards, so utime (14) is at index 11 and stime (15) at 12.
        var fields = stat[(afterName + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    public static long ParseStatusKiB(string status, string field)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var value = line[(field.Length + 1)..].Trim();
                var space = value.IndexOf(' ');
                return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
            }
        }

        throw new FormatException($"{field} not found");
    }
}
