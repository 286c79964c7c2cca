namespace StorageOperator.Bench.Cli;

/// <summary>Command line of <c>storage-bench</c>.</summary>
public sealed record BenchOptions
{
    public const string DefaultJsonPath = "bench/results/latest.json";

    public bool Quick { get; init; }

    public string JsonPath { get; init; } = DefaultJsonPath;

    /// <summary>Where the servers keep their data and the fsync probe writes; the default is a fresh temp folder.</summary>
    public string? WorkDir { get; init; }

    /// <summary>Sections to run (machine, server, gateway); empty: the default run.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    /// <summary>--gateway: asked for explicitly (added to any selection; a missing radosgw then fails the run).
    /// --no-gateway: left out. Null: in the default run whenever radosgw is on PATH.</summary>
    public bool? Gateway { get; init; }

    public static readonly IReadOnlyList<string> AllSections = ["machine", "server", "gateway"];

    public bool RunsMachine => Only.Count == 0 || Only.Contains("machine");

    public bool RunsServer => Only.Count == 0 || Only.Contains("server");

    public bool RunsGateway => Gateway ?? (Only.Count == 0 || Only.Contains("gateway"));

    public bool Help { get; init; }

    /// <summary>Attach <c>perf record</c> to the server during the large scenarios and summarise where its CPU went.</summary>
    public bool Perf { get; init; }

    /// <summary>PUT and UploadPart with DisablePayloadSigning (UNSIGNED-PAYLOAD with the checksum trailer) instead of
    /// the SDK's default chunk-signed streaming, to show what payload signing costs.</summary>
    public bool UnsignedPayload { get; init; }

    /// <summary>Extra environment for the storage server children, e.g. DOTNET_PerfMapEnabled=1 for perf.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Only these modes (plain, SSE-S3, SSE-KMS, SSE-KMS+BK, SSE-C); empty: all.</summary>
    public IReadOnlySet<string> Modes { get; init; } = new HashSet<string>();

    public static readonly IReadOnlyList<string> AllModes = ["plain", "SSE-S3", "SSE-KMS", "SSE-KMS+BK", "SSE-C"];

    public bool Runs(string mode) => Modes.Count == 0 || Modes.Contains(mode);

    public const string Usage =
        """
        storage-bench [--quick] [--json PATH] [--work-dir DIR] [--machine-only | --only LIST] [--gateway | --no-gateway]
                      [--modes LIST] [--server-env NAME=VALUE]... [--perf] [--unsigned-payload]

          --quick         small sizes and few operations: under two minutes, plus about two and a half with the gateway
          --json PATH     machine-readable results (default bench/results/latest.json)
          --work-dir DIR  parent folder for server data and probe files (default: the system temp folder);
                          put it on the disk you want to measure
          --machine-only  measure the machine's limits only (disk, AES-GCM, hashes, TLS loopback); same as --only machine
          --only LIST     comma-separated sections of machine,server,gateway (default: all; the gateway when radosgw
                          is on PATH)
          --gateway       the gateway section (Ceph RGW direct vs. one and two storage-server gateway replicas) even
                          when not selected otherwise; without radosgw the run then fails instead of reporting n/a
          --no-gateway    leave the gateway section out
          --modes LIST    comma-separated subset of plain,SSE-S3,SSE-KMS,SSE-KMS+BK,SSE-C (default: all;
                          SSE-KMS+BK is SSE-KMS with S3 Bucket Keys on the requests)
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
                    options = options with { Only = new HashSet<string> { "machine" } };
                    break;
                case "--only":
                    var sections = Value(args, ref i).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    var unknownSection = sections.FirstOrDefault(s => !AllSections.Contains(s, StringComparer.OrdinalIgnoreCase));
                    if (unknownSection is not null || sections.Length == 0)
                    {
                        throw new ArgumentException($"--only: unknown section '{unknownSection}' (use {string.Join(",", AllSections)})");
                    }

                    options = options with { Only = sections.Select(s => s.ToLowerInvariant()).ToHashSet() };
                    break;
                case "--gateway":
                    options = options with { Gateway = true };
                    break;
                case "--no-gateway":
                    options = options with { Gateway = false };
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
