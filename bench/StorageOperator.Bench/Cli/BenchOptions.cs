namespace StorageOperator.Bench.Cli;

/// <summary>Command line of <c>storage-bench</c>.</summary>
public sealed record BenchOptions
{
    public const string DefaultJsonPath = "bench/results/latest.json";

    public bool Quick { get; init; }

    public string JsonPath { get; init; } = DefaultJsonPath;

    /// <summary>Where the servers keep their data and the fsync probe writes; the default is a fresh temp folder.</summary>
    public string? WorkDir { get; init; }

    /// <summary>Skips the S3 part: machine limits only.</summary>
    public bool MachineOnly { get; init; }

    public bool Help { get; init; }

    /// <summary>Attach <c>perf record</c> to the server during the large scenarios and summarise where its CPU went.</summary>
    public bool Perf { get; init; }

    /// <summary>PUT and UploadPart with DisablePayloadSigning (UNSIGNED-PAYLOAD with the checksum trailer) instead of
    /// the SDK's default chunk-signed streaming, to show what payload signing costs.</summary>
    public bool UnsignedPayload { get; init; }

    /// <summary>Extra environment for the storage server children, e.g. DOTNET_PerfMapEnabled=1 for perf.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Only these modes (plain, SSE-S3, SSE-KMS, SSE-C); empty: all.</summary>
    public IReadOnlySet<string> Modes { get; init; } = new HashSet<string>();

    public static readonly IReadOnlyList<string> AllModes = ["plain", "SSE-S3", "SSE-KMS", "SSE-C"];

    public bool Runs(string mode) => Modes.Count == 0 || Modes.Contains(mode);

    public const string Usage =
        """
        storage-bench [--quick] [--json PATH] [--work-dir DIR] [--machine-only] [--modes LIST] [--server-env NAME=VALUE]... [--perf]
                      [--unsigned-payload]

          --quick         small sizes and few operations: the whole run takes under two minutes
          --json PATH     machine-readable results (default bench/results/latest.json)
          --work-dir DIR  parent folder for server data and probe files (default: the system temp folder);
                          put it on the disk you want to measure
          --machine-only  measure the machine's limits only (disk, AES-GCM, hashes, TLS loopback)
          --modes LIST    comma-separated subset of plain,SSE-S3,SSE-KMS,SSE-C (default: all)
          --server-env NAME=VALUE
                          extra environment for the storage server, e.g. DOTNET_PerfMapEnabled=1 to profile it
                          with perf, or DOTNET_gcServer=0 to compare GC modes (repeatable)
          --unsigned-payload
                          PUT bodies without payload signing (the SDK's DisablePayloadSigning) instead of its
                          default chunk-signed streaming; the checksum trailer stays
          --perf          attach `perf record` to the server during each scenario of 64 MiB or more and each
                          small-object scenario; the data
                          files go next to the JSON (perf/), the top entries into the table and the JSON
        """;

    /// <summary>Pure parsing; throws <see cref="ArgumentException"/> with a message meant for the user.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--unsigned-payload":
                    options = options with { UnsignedPayload = true };
                    break;
                case "--perf":
                    options = options with { Perf = true };
                    break;
                case "--machine-only":
                    options = options with { MachineOnly = true };
                    break;
                case "--json":
                    options = options with { JsonPath = Value(args, ref i) };
                    break;
                case "--work-dir":
                    options = options with { WorkDir = Value(args, ref i) };
                    break;
                case "--modes":
                    var modes = Value(args, ref i).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    var unknown = modes.FirstOrDefault(m => !AllModes.Contains(m, StringComparer.OrdinalIgnoreCase));
                    if (unknown is not null)
                    {
                        throw new ArgumentException($"--modes: unknown mode '{unknown}' (use {string.Join(",", AllModes)})");
                    }

                    options = options with
                    {
                        Modes = modes.Select(m => AllModes.First(a => a.Equals(m, StringComparison.OrdinalIgnoreCase))).ToHashSet(),
                    };
                    break;
                case "--server-env":
                    var assignment = Value(args, ref i);
                    var equals = assignment.IndexOf('=');
                    if (equals <= 0)
                    {
                        throw new ArgumentException($"--server-env: expected NAME=VALUE, got '{assignment}'");
                    }

                    options = options with
                    {
                        ServerEnvironment = new Dictionary<string, string>(options.ServerEnvironment)
                        {
                            [assignment[..equals]] = assignment[(equals + 1)..],
                        },
                    };
                    break;
                case "-h" or "--help":
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{args[i]} needs a value");
        }

        i++;
        return args[i];
    }
}
