using System.Diagnostics;

namespace StorageOperator.Bench.Machine;

/// <summary>Wall time for the loop bound, process CPU time for the rate.</summary>
public sealed class CpuWatch
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

    public static CpuWatch StartNew() => new();

    public TimeSpan Elapsed => _wall.Elapsed;

    public TimeSpan CpuTime => Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
}
