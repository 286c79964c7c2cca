using StorageOperator.Bench.Machine;

namespace StorageOperator.Bench.Results;

/// <summary>
/// One server scenario: what was done, how fast, at what cost to the server. A scenario that could not be measured
/// carries its reason in <see cref="Status"/> and NaN numbers, never an estimate.
/// </summary>
public sealed record Measurement
{
    public const string OkStatus = "ok";

    public required string Mode { get; init; }

    public required string Operation { get; init; }

    public required long Size { get; init; }

    public int Concurrency { get; init; } = 1;

    /// <summary>"ok", "n/a (…)" when the server does not support it, or "failed: …".</summary>
    public string Status { get; init; } = OkStatus;

    public bool Ok => Status == OkStatus;

    public long Bytes { get; init; }

    public int Ops { get; init; }

    public double Seconds { get; init; }

    public double ServerCpuSeconds { get; init; } = double.NaN;

    public double ClientCpuSeconds { get; init; } = double.NaN;

    /// <summary>Gateway section: CPU of the Ceph daemons (monitor, OSD, radosgw) during the scenario.</summary>
    public double BackendCpuSeconds { get; init; } = double.NaN;

    public long PeakRssBytes { get; init; } = -1;

    public bool PeakRssExact { get; init; }

    /// <summary>Server CPU seconds by thread name during the scenario (GC vs. thread-pool workers vs. sockets).</summary>
    public IReadOnlyDictionary<string, double> ServerThreadCpuSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>With --perf: the heaviest shared objects and symbols of the server during the scenario.</summary>
    public IReadOnlyList<Profiling.PerfEntry> PerfByDso { get; init; } = [];

    public IReadOnlyList<Profiling.PerfEntry> PerfBySymbol { get; init; } = [];

    /// <summary>With --perf: methods the server compiled during the scenario (tier-ups included).</summary>
    public IReadOnlyList<string> MethodsCompiled { get; init; } = [];

    /// <summary>Multipart only: the CompleteMultipartUpload call's share of <see cref="Seconds"/>.</summary>
    public double CompleteSeconds { get; init; } = double.NaN;

    public double P50Ms { get; init; } = double.NaN;

    public double P99Ms { get; init; } = double.NaN;

    public double MiBps => Ok ? Rates.MiBps(Bytes, TimeSpan.FromSeconds(Seconds)) : double.NaN;

    public double OpsPerSecond => Ok && Seconds > 0 ? Ops / Seconds : double.NaN;

    public double ServerCpuSecondsPerGiB => Ok && Bytes > 0 ? ServerCpuSeconds / (Bytes / (1024.0 * 1024 * 1024)) : double.NaN;

    public bool IsSmall => Operation is Results.Operation.SmallPut or Results.Operation.SmallGet;

    /// <summary>Throughput for large objects, operations per second for small ones.</summary>
    public double Rate => IsSmall ? OpsPerSecond : MiBps;

    public string Key => $"{Operation}|{Size}|{Concurrency}";

    public Measurement WithStatus(string status) => this with { Status = status };
}
