using System.Diagnostics;

namespace StorageOperator.Bench.Processes;

/// <summary>
/// Watches a server process across one scenario: CPU seconds used (utime+stime delta) and peak RSS (the kernel's
/// VmHWM after resetting it, cross-checked by polling VmRSS, which also works where the reset is refused).
/// Also this process's own CPU, because client and server share the same cores.
/// </summary>
public sealed class ResourceWatch : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly int _pid;
    private readonly double _serverCpuAtStart;
    private readonly TimeSpan _clientCpuAtStart;
    private readonly Dictionary<string, double> _threadsAtStart;
    private readonly long _perfMapOffset;
    private readonly bool _peakReset;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;
    private long _polledPeak;

    private ResourceWatch(int pid)
    {
        _pid = pid;
        _peakReset = ProcStats.TryResetPeak(pid);
        _threadsAtStart = ProcStats.ThreadCpuSeconds(pid);
        _perfMapOffset = PerfMapLength(pid);
        _serverCpuAtStart = ProcStats.CpuSeconds(pid);
        _clientCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        _poller = Task.Run(PollAsync);
    }

    public static ResourceWatch Start(int pid) => new(pid);

    public async Task<ResourceUsage> StopAsync()
    {
        var serverCpu = ProcStats.CpuSeconds(_pid) - _serverCpuAtStart;
        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - _clientCpuAtStart).TotalSeconds;
        var threads = ProcStats.ThreadCpuSeconds(_pid)
            .Select(t => (t.Key, Seconds: t.Value - _threadsAtStart.GetValueOrDefault(t.Key)))
            .Where(t => t.Seconds > 0)
            .OrderByDescending(t => t.Seconds)
            .ToDictionary(t => t.Key, t => Math.Round(t.Seconds, 2), StringComparer.Ordinal);
        await _stop.CancelAsync();
        await _poller;
        var hwm = _peakReset ? ProcStats.StatusBytes(_pid, "VmHWM") : -1;
        return new ResourceUsage(serverCpu, clientCpu, Math.Max(hwm, _polledPeak), _peakReset, threads, MethodsCompiledSince(_pid, _perfMapOffset));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _poller;
        _stop.Dispose();
    }

    /// <summary>
    /// With DOTNET_PerfMapEnabled=1 the runtime appends one line per compiled method to /tmp/perf-PID.map: the lines
    /// added during a scenario are the JIT work it caused (the bench sets that variable with --perf).
    /// </summary>
    private static string PerfMapPath(int pid) => Path.Combine(Path.GetTempPath(), $"perf-{pid}.map");

    private static long PerfMapLength(int pid)
    {
        try
        {
            return new FileInfo(PerfMapPath(pid)) is { Exists: true } file ? file.Length : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static IReadOnlyList<string> MethodsCompiledSince(int pid, long offset)
    {
        if (offset < 0)
        {
            return [];
        }

        try
        {
            using var stream = new FileStream(PerfMapPath(pid), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                // "address size name": keep the name; stubs are not compilations.
                var parts = line.Split(' ', 3);
                if (parts.Length == 3 && !parts[2].StartsWith("stub ", StringComparison.Ordinal))
                {
                    lines.Add(parts[2]);
                }
            }

            return lines;
        }
        catch (IOException)
        {
            return [];
        }
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            do
            {
                _polledPeak = Math.Max(_polledPeak, ProcStats.StatusBytes(_pid, "VmRSS"));
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <param name="PeakRssBytes">-1 when neither /proc source could be read.</param>
/// <param name="PeakFromKernel">True when VmHWM was reset at the start, so the peak is exact rather than polled.</param>
/// <param name="ServerThreadCpuSeconds">Server CPU by thread name; threads that ended during the scenario are missing.</param>
/// <param name="MethodsCompiled">Methods the server JIT-compiled during the scenario; known only with a perf map (--perf).</param>
public sealed record ResourceUsage(
    double ServerCpuSeconds, double ClientCpuSeconds, long PeakRssBytes, bool PeakFromKernel, IReadOnlyDictionary<string, double> ServerThreadCpuSeconds,
    IReadOnlyList<string> MethodsCompiled);
