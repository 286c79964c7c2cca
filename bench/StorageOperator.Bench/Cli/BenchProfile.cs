namespace StorageOperator.Bench.Cli;

/// <summary>
/// Sizes, counts and time caps of one run. Every loop in the bench is bounded by a count AND a time cap, so a slow
/// server makes the run shorter on samples, never longer than planned.
/// </summary>
public sealed record BenchProfile
{
    public required string Name { get; init; }

    /// <summary>Single-stream PUT/GET object sizes, with how many times each is repeated.</summary>
    public required IReadOnlyList<SizeRun> ObjectSizes { get; init; }

    public required long MultipartSize { get; init; }

    public required long MultipartPartSize { get; init; }

    public required int MultipartParallelism { get; init; }

    public required int SmallObjectSize { get; init; }

    public required IReadOnlyList<int> SmallConcurrencies { get; init; }

    /// <summary>Operations per (mode, PUT or GET, concurrency) run.</summary>
    public required int SmallOps { get; init; }

    public required TimeSpan SmallTimeCap { get; init; }

    /// <summary>Cap for one repeated single-stream or multipart scenario (the first iteration always completes).</summary>
    public required TimeSpan LargeTimeCap { get; init; }

    /// <summary>Longest untimed warm-up per mode (it stops earlier once the server's JIT has settled).</summary>
    public required TimeSpan WarmUpCap { get; init; }

    /// <summary>How long each CPU-bound machine probe (AES-GCM, MD5, SHA-256, CRC32) runs.</summary>
    public required TimeSpan CryptoProbeTime { get; init; }

    public required long TlsProbeBytes { get; init; }

    public required TimeSpan TlsProbeCap { get; init; }

    public long LargestObject => Math.Max(MultipartSize, ObjectSizes.Max(s => s.Size));

    public static BenchProfile Full { get; } = new()
    {
        Name = "full",
        ObjectSizes = [new(Sizes.MiB, 32), new(64 * Sizes.MiB, 3), new(Sizes.GiB, 1)],
        MultipartSize = Sizes.GiB,
        MultipartPartSize = 16 * Sizes.MiB,
        MultipartParallelism = 4,
        SmallObjectSize = 4 * 1024,
        SmallConcurrencies = [1, 16, 64],
        SmallOps = 2000,
        SmallTimeCap = TimeSpan.FromSeconds(8),
        LargeTimeCap = TimeSpan.FromSeconds(60),
        WarmUpCap = TimeSpan.FromSeconds(15),
        CryptoProbeTime = TimeSpan.FromSeconds(1),
        TlsProbeBytes = Sizes.GiB,
        TlsProbeCap = TimeSpan.FromSeconds(8),
    };

    public static BenchProfile Quick { get; } = new()
    {
        Name = "quick",
        ObjectSizes = [new(Sizes.MiB, 8), new(16 * Sizes.MiB, 2), new(64 * Sizes.MiB, 1)],
        MultipartSize = 64 * Sizes.MiB,
        MultipartPartSize = 8 * Sizes.MiB,
        MultipartParallelism = 4,
        SmallObjectSize = 4 * 1024,
        SmallConcurrencies = [1, 16, 64],
        SmallOps = 300,
        SmallTimeCap = TimeSpan.FromSeconds(1.5),
        LargeTimeCap = TimeSpan.FromSeconds(10),
        WarmUpCap = TimeSpan.FromSeconds(4),
        CryptoProbeTime = TimeSpan.FromSeconds(0.25),
        TlsProbeBytes = 256 * Sizes.MiB,
        TlsProbeCap = TimeSpan.FromSeconds(2),
    };
}

public sealed record SizeRun(long Size, int Repeats);
