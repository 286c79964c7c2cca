namespace StorageOperator.Bench.Cli;

/// <summary>
/// Sizes and caps of the gateway section. Ceph's memstore OSD holds every byte in RAM (2 GiB device), so the section
/// keeps at most one target's objects at a time and deletes them (and runs RGW's garbage collection) between targets.
/// </summary>
public sealed record GatewayProfile
{
    /// <summary>Single-stream PUT then GET of this size, <see cref="LargeRepeats"/> objects.</summary>
    public required long LargeSize { get; init; }

    public required int LargeRepeats { get; init; }

    /// <summary>Objects of this size, <see cref="Parallelism"/> at a time (one object per stream), <see cref="ParallelRounds"/> rounds.</summary>
    public required long ParallelSize { get; init; }

    public required int Parallelism { get; init; }

    public required int ParallelRounds { get; init; }

    public required int SmallSize { get; init; }

    public required int SmallConcurrency { get; init; }

    public required int SmallOps { get; init; }

    public required TimeSpan SmallTimeCap { get; init; }

    /// <summary>Cap for one repeated large scenario (the first round always completes).</summary>
    public required TimeSpan LargeTimeCap { get; init; }

    /// <summary>Untimed traffic per target before measuring (JIT of fresh replicas, RGW's first-object paths).</summary>
    public required TimeSpan WarmUpCap { get; init; }

    public static GatewayProfile Full { get; } = new()
    {
        LargeSize = 64 * Sizes.MiB,
        LargeRepeats = 3,
        ParallelSize = 16 * Sizes.MiB,
        Parallelism = 4,
        ParallelRounds = 2,
        SmallSize = 4 * 1024,
        SmallConcurrency = 16,
        SmallOps = 2000,
        SmallTimeCap = TimeSpan.FromSeconds(8),
        LargeTimeCap = TimeSpan.FromSeconds(40),
        WarmUpCap = TimeSpan.FromSeconds(15),
    };

    public static GatewayProfile Quick { get; } = new()
    {
        LargeSize = 16 * Sizes.MiB,
        LargeRepeats = 2,
        ParallelSize = 4 * Sizes.MiB,
        Parallelism = 4,
        ParallelRounds = 2,
        SmallSize = 4 * 1024,
        SmallConcurrency = 16,
        SmallOps = 400,
        SmallTimeCap = TimeSpan.FromSeconds(2),
        LargeTimeCap = TimeSpan.FromSeconds(10),
        WarmUpCap = TimeSpan.FromSeconds(4),
    };
}
