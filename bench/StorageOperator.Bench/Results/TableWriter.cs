using System.Globalization;
using StorageOperator.Bench.Cli;

namespace StorageOperator.Bench.Results;

/// <summary>The human-readable report: machine limits first, then every scenario with its modes side by side.</summary>
public static class TableWriter
{
    private static readonly string[] ModeOrder = ["plain", "SSE-S3", "SSE-KMS", "SSE-KMS+BK", "SSE-C"];

    public static void Write(BenchReport report, TextWriter output)
    {
        var limits = report.Limits;
        output.WriteLine();
        output.WriteLine($"storage-bench ({report.Profile}) {report.Started:yyyy-MM-dd HH:mm:ss}Z, {report.Duration.TotalSeconds:0} s");
        output.WriteLine($"machine: {report.Machine.Cpu}, {report.Machine.Cores} cores, {report.Machine.Os}, {report.Machine.Runtime}");
        output.WriteLine($"work dir: {report.Machine.WorkDir}; load average at start: {report.Machine.LoadAtStart}");
        if (limits is not null)
        {
            WriteLimits(limits, output);
        }

        if (report.Measurements.Count > 0)
        {
            WriteServer(report, output);
        }

        if (report.Gateway is { } gateway)
        {
            GatewayTableWriter.Write(gateway, output);
        }
    }

    private static void WriteLimits(Machine.MachineLimits limits, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Machine limits (measured in this run)");
        foreach (var (disk, when) in limits.Disk.Select(d => (d, "before")).Concat(limits.DiskAfter.Select(d => (d, "after"))))
        {
            var label = (limits.DiskAfter.Count > 0 ? $"disk ({when})" : "disk").PadRight(13);
            output.WriteLine($"  {label} {Sizes.Label(disk.Size),7} x{disk.Files,-3} write+fsync {Rate(disk.WriteFsyncMiBps),12}   O_DIRECT write+fsync {Rate(disk.DirectWriteFsyncMiBps),12}   read (page cache, not dropped) {Rate(disk.PageCacheReadMiBps),12}   write CPU {Num(disk.WriteCpuSecondsPerGiB, "0.00")} s/GiB");
        }

        var crypto = limits.Crypto;
        output.WriteLine($"  AES-256-GCM, 64 KiB packages, 1 thread, per CPU second: encrypt {Rate(crypto.AesGcmEncryptMiBps)}, decrypt {Rate(crypto.AesGcmDecryptMiBps)}");
        output.WriteLine($"  MD5 {Rate(crypto.Md5MiBps)}   SHA-256 {Rate(crypto.Sha256MiBps)}   CRC32 {Rate(crypto.Crc32MiBps)}   (1 thread, per CPU second)");
        output.WriteLine($"  TLS loopback, 1 connection ({limits.Tls.Protocol}, {limits.Tls.CipherSuite}): {Rate(limits.Tls.MiBps)}, both ends {Num(limits.Tls.CpuSecondsPerGiB, "0.00")} CPU s/GiB");
    }

    private static void WriteServer(BenchReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Server over HTTPS on loopback; client: {report.Client}");
        foreach (var note in report.Notes)
        {
            output.WriteLine($"  {note}");
        }

        output.WriteLine();
        output.WriteLine($"{"scenario",-26} {"mode",-10} {"rate",14} {"÷plain",7} {"÷machine",9} {"÷bound",7} {"÷AES",6} {"srv CPU",8} {"cli CPU",8} {"srv peak",9} {"p50/p99 ms",14}");
        output.WriteLine($"{"",-26} {"",-10} {"",14} {"",7} {"",9} {"",7} {"",6} {"s/GiB|op",8} {"s/GiB|op",8} {"RSS",9} {"",14}");
        // A mode the server does not support at all is one line, not one per scenario.
        var wholeModeStatus = report.Measurements.GroupBy(m => m.Mode)
            .Where(g => !g.First().Ok && g.All(m => m.Status == g.First().Status))
            .ToDictionary(g => g.Key, g => g.First().Status);
        foreach (var (mode, status) in wholeModeStatus)
        {
            output.WriteLine($"  {mode}: {status}");
        }

        var rows = report.WithRatios().Where(r => !wholeModeStatus.ContainsKey(r.Measurement.Mode)).ToList();
        foreach (var group in rows.GroupBy(r => r.Measurement.Key))
        {
            var first = group.First().Measurement;
            var scenario = $"{first.Operation} {Sizes.Label(first.Size)}" + (first.Concurrency > 1 ? $" c={first.Concurrency}" : "");
            foreach (var (m, ratios) in group.OrderBy(r => Array.IndexOf(ModeOrder, r.Measurement.Mode)))
            {
                if (!m.Ok)
                {
                    output.WriteLine($"{scenario,-26} {m.Mode,-10} {m.Status}");
                }
                else
                {
                    var rate = m.IsSmall ? $"{m.OpsPerSecond:0} ops/s" : Rate(m.MiBps);
                    // Small objects: CPU milliseconds per operation says more than seconds per GiB.
                    // /proc counts CPU in 10 ms ticks: under 10 of them the figure is rough, and says so.
                    var rough = m.ServerCpuSeconds < 0.1 ? "~" : "";
                    var cpuPerGiB = rough + (m.IsSmall ? $"{Num(m.ServerCpuSeconds * 1000 / m.Ops, "0.00")}ms" : Num(m.ServerCpuSecondsPerGiB, "0.00"));
                    var clientPerGiB = m.IsSmall ? $"{Num(m.ClientCpuSeconds * 1000 / m.Ops, "0.00")}ms" : Num(m.ClientCpuSeconds / (m.Bytes / (double)Sizes.GiB), "0.00");
                    var latency = m.IsSmall ? $"{Num(m.P50Ms, "0.0")}/{Num(m.P99Ms, "0.0")}"
                        : double.IsFinite(m.CompleteSeconds) ? $"complete {m.CompleteSeconds:0.0}s" : "";
                    var rss = m.Size >= 16 * Sizes.MiB && m.PeakRssBytes > 0 ? $"{m.PeakRssBytes / Sizes.MiB} MiB" : "";
                    output.WriteLine(
                        $"{scenario,-26} {m.Mode,-10} {rate,14} {Num(ratios.VsPlain, "0.00"),7} {Num(ratios.VsMachine, "0.00"),9} {Num(ratios.VsBound, "0.00"),7} {Num(ratios.VsAesGcm, "0.00"),6} {cpuPerGiB,8} {clientPerGiB,8} {rss,9} {latency,14}");
                }

                scenario = "";
            }
        }

        var profiled = rows.Where(r => r.Measurement.Ok && !r.Measurement.IsSmall && r.Measurement.Size >= 64 * Sizes.MiB && r.Measurement.ServerCpuSeconds > 0).ToList();
        if (profiled.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Server CPU by thread (share of the server's CPU in the scenario, top 4)");
            foreach (var (m, _) in profiled)
            {
                // Shares of the threads' own total: the process and thread counters are read a moment apart.
                var threadTotal = m.ServerThreadCpuSeconds.Values.Sum();
                var top = m.ServerThreadCpuSeconds.Take(4).Select(t => $"{t.Key} {t.Value / threadTotal:P0}");
                output.WriteLine($"  {m.Operation + " " + Sizes.Label(m.Size),-22} {m.Mode,-10} {m.ServerCpuSeconds,6:0.00} s: {string.Join(", ", top)}");
            }
        }

        foreach (var (m, _) in rows.Where(r => r.Measurement.PerfByDso.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"perf: {m.Operation} {Sizes.Label(m.Size)} {m.Mode} (share of the server's samples)");
            output.WriteLine($"  by library: {string.Join(", ", m.PerfByDso.Select(e => $"{e.What} {e.Percent:0.0}%"))}");
            output.WriteLine($"  methods JIT-compiled during the scenario: {m.MethodsCompiled.Count}");
            foreach (var entry in m.PerfBySymbol)
            {
                output.WriteLine($"  {entry.Percent,5:0.0}%  {Truncate(entry.What, 110)}");
            }
        }

        output.WriteLine();
        output.WriteLine("÷machine: PUT ÷ disk write+fsync of the same size (the better of buffered and O_DIRECT, and of before/after the");
        output.WriteLine("server runs);");
        output.WriteLine("GET ÷ min(page-cache read, TLS loopback). ÷bound: PUT ÷ min(disk write+fsync, TLS loopback, one core of MD5 per");
        output.WriteLine("stream where the ETag is an MD5: plain, SSE-S3) — MD5 cannot be split, so it caps a stream whatever the disk; GET as");
        output.WriteLine("÷machine. ÷AES: ÷ one core of AES-256-GCM (encrypt for writes, decrypt for");
        output.WriteLine("reads). CPU: utime+stime per GiB moved, or per operation for small objects (server process; the client is");
        output.WriteLine("this process); ~ marks a server figure from under 0.1 CPU s (10 ms ticks). Client and server share the");
        output.WriteLine("machine's cores: wall-clock rates swing with other load, CPU per GiB and per operation much less.");
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    internal static string Rate(double mibps) => double.IsFinite(mibps) ? $"{mibps:0.0} MiB/s" : "n/a";

    internal static string Num(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
