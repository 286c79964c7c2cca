using System.Text.Json;
using System.Text.Json.Nodes;

namespace StorageOperator.Bench.Results;

/// <summary>The machine-readable report: the same numbers as the table, unmeasured values as null.</summary>
public static class JsonReportWriter
{
    public static void Write(BenchReport report, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, ToJson(report).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n");
    }

    public static JsonObject ToJson(BenchReport report)
    {
        var limits = report.Limits;
        var results = new JsonArray();
        foreach (var (m, ratios) in report.WithRatios())
        {
            results.Add(new JsonObject
            {
                ["mode"] = m.Mode,
                ["operation"] = m.Operation,
                ["size"] = m.Size,
                ["concurrency"] = m.Concurrency,
                ["status"] = m.Status,
                ["bytes"] = m.Ok ? m.Bytes : null,
                ["ops"] = m.Ok ? m.Ops : null,
                ["seconds"] = Num(m.Ok ? m.Seconds : double.NaN),
                ["mib_per_s"] = Num(m.IsSmall ? double.NaN : m.MiBps),
                ["ops_per_s"] = Num(m.IsSmall ? m.OpsPerSecond : double.NaN),
                ["multipart_complete_s"] = Num(m.Ok ? m.CompleteSeconds : double.NaN),
                ["latency_p50_ms"] = Num(m.P50Ms),
                ["latency_p99_ms"] = Num(m.P99Ms),
                ["server_cpu_s"] = Num(m.Ok ? m.ServerCpuSeconds : double.NaN),
                ["server_cpu_s_per_gib"] = Num(m.ServerCpuSecondsPerGiB),
                ["client_cpu_s"] = Num(m.Ok ? m.ClientCpuSeconds : double.NaN),
                ["server_cpu_ms_per_op"] = Num(m.Ok && m.Ops > 0 ? m.ServerCpuSeconds * 1000 / m.Ops : double.NaN),
                ["server_peak_rss_bytes"] = m.Ok && m.PeakRssBytes > 0 ? m.PeakRssBytes : null,
                ["server_peak_rss_exact"] = m.Ok && m.PeakRssBytes > 0 ? m.PeakRssExact : null,
                ["server_thread_cpu_s"] = m.Ok ? new JsonObject([.. m.ServerThreadCpuSeconds.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]) : null,
                ["methods_compiled"] = m.MethodsCompiled.Count > 0 ? new JsonArray([.. m.MethodsCompiled.Select(n => (JsonNode?)JsonValue.Create(n))]) : null,
                ["perf_by_dso"] = Perf(m.PerfByDso),
                ["perf_by_symbol"] = Perf(m.PerfBySymbol),
                ["ratio_vs_plain"] = Num(ratios.VsPlain),
                ["ratio_vs_machine"] = Num(ratios.VsMachine),
                ["machine_limit"] = ratios.MachineLimitName.Length > 0 ? ratios.MachineLimitName : null,
                ["machine_limit_mib_per_s"] = Num(ratios.MachineLimitMiBps),
                ["ratio_vs_aes_gcm"] = Num(ratios.VsAesGcm),
                ["ratio_vs_bound"] = Num(ratios.VsBound),
                ["bound"] = ratios.BoundName.Length > 0 ? ratios.BoundName : null,
                ["bound_mib_per_s"] = Num(ratios.BoundMiBps),
            });
        }


        return new JsonObject
        {
            ["started"] = report.Started.ToString("O"),
            ["duration_s"] = Num(report.Duration.TotalSeconds),
            ["profile"] = report.Profile,
            ["machine"] = new JsonObject
            {
                ["cpu"] = report.Machine.Cpu,
                ["cores"] = report.Machine.Cores,
                ["os"] = report.Machine.Os,
                ["runtime"] = report.Machine.Runtime,
                ["work_dir"] = report.Machine.WorkDir,
                ["load_average_at_start"] = report.Machine.LoadAtStart,
            },
            ["limits"] = limits is null ? null : new JsonObject
            {
                ["disk"] = Disk(limits.Disk),
                ["disk_after_server_runs"] = Disk(limits.DiskAfter),
                ["aes_256_gcm_64k_encrypt_mib_per_s"] = Num(limits.Crypto.AesGcmEncryptMiBps),
                ["aes_256_gcm_64k_decrypt_mib_per_s"] = Num(limits.Crypto.AesGcmDecryptMiBps),
                ["md5_mib_per_s"] = Num(limits.Crypto.Md5MiBps),
                ["sha256_mib_per_s"] = Num(limits.Crypto.Sha256MiBps),
                ["crc32_mib_per_s"] = Num(limits.Crypto.Crc32MiBps),
                ["tls_loopback_mib_per_s"] = Num(limits.Tls.MiBps),
                ["tls_loopback_cpu_s_per_gib"] = Num(limits.Tls.CpuSecondsPerGiB),
                ["tls_protocol"] = limits.Tls.Protocol,
                ["tls_cipher_suite"] = limits.Tls.CipherSuite,
            },
            ["client"] = report.Client,
            ["notes"] = new JsonArray([.. report.Notes.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["results"] = results,
            ["gateway"] = report.Gateway is { } gateway ? Gateway(gateway) : null,
        };
    }

    /// <summary>The gateway section: every target's scenarios with their ratio to RGW used directly.</summary>
    private static JsonObject Gateway(GatewayReport gateway)
    {
        var targets = StorageOperator.Bench.Gateway.GatewayTarget.All.ToDictionary(t => t.Name);
        var results = new JsonArray();
        foreach (var m in gateway.Measurements)
        {
            var target = targets.GetValueOrDefault(m.Mode);
            results.Add(new JsonObject
            {
                ["target"] = m.Mode,
                ["label"] = target?.Label,
                ["replicas"] = target?.Replicas,
                ["auto_encryption"] = target?.Encrypted,
                ["operation"] = m.Operation,
                ["size"] = m.Size,
                ["concurrency"] = m.Concurrency,
                ["status"] = m.Status,
                ["bytes"] = m.Ok ? m.Bytes : null,
                ["ops"] = m.Ok ? m.Ops : null,
                ["seconds"] = Num(m.Ok ? m.Seconds : double.NaN),
                ["mib_per_s"] = Num(m.IsSmall ? double.NaN : m.MiBps),
                ["ops_per_s"] = Num(m.IsSmall ? m.OpsPerSecond : double.NaN),
                ["ratio_vs_direct"] = Num(gateway.VsDirect(m)),
                ["latency_p50_ms"] = Num(m.P50Ms),
                ["latency_p99_ms"] = Num(m.P99Ms),
                ["replicas_cpu_s"] = Num(m.Ok ? m.ServerCpuSeconds : double.NaN),
                ["ceph_cpu_s"] = Num(m.Ok ? m.BackendCpuSeconds : double.NaN),
                ["client_cpu_s"] = Num(m.Ok ? m.ClientCpuSeconds : double.NaN),
            });
        }

        return new JsonObject
        {
            ["status"] = gateway.Status,
            ["client"] = gateway.Client.Length > 0 ? gateway.Client : null,
            ["notes"] = new JsonArray([.. gateway.Notes.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["results"] = results,
        };
    }

    private static JsonArray Disk(IReadOnlyList<Machine.DiskResult> results) =>
        new([.. results.Select(d => (JsonNode?)new JsonObject
        {
            ["size"] = d.Size,
            ["files"] = d.Files,
            ["write_fsync_mib_per_s"] = Num(d.WriteFsyncMiBps),
            ["direct_write_fsync_mib_per_s"] = Num(d.DirectWriteFsyncMiBps),
            ["read_page_cache_mib_per_s"] = Num(d.PageCacheReadMiBps),
            ["write_cpu_s_per_gib"] = Num(d.WriteCpuSecondsPerGiB),
        })]);

    private static JsonArray? Perf(IReadOnlyList<Profiling.PerfEntry> entries) =>
        entries.Count == 0 ? null : new JsonArray([.. entries.Select(e => (JsonNode?)new JsonObject { ["percent"] = e.Percent, ["what"] = e.What })]);

    private static JsonNode? Num(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 4)) : null;
}
