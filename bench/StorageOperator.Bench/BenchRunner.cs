using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3;
using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Machine;
using StorageOperator.Bench.Pki;
using StorageOperator.Bench.Processes;
using StorageOperator.Bench.Results;
using StorageOperator.Bench.S3;
using StorageOperator.Bench.Servers;

namespace StorageOperator.Bench;

/// <summary>
/// One bench run: the machine's limits, then the storage server as a child process in each encryption mode —
/// plain, SSE-S3 and SSE-C on a server with a static KMS key, SSE-KMS (without and with S3 Bucket Keys) on a second
/// server wired to a key-server child over mTLS — then the gateway section (Ceph RGW directly and through
/// storage-server gateway replicas), then the table and the JSON. <c>--only</c> picks sections.
/// </summary>
public sealed class BenchRunner(BenchOptions options, TextWriter output, TextWriter progress)
{
    private const string Bucket = "bench";
    private const string KmsKeyName = "bench-key";

    private readonly BenchProfile _profile = options.Quick ? BenchProfile.Quick : BenchProfile.Full;
    private readonly List<string> _notes = [];
    private string? _workRoot;

    /// <summary>Server logs outlive the work folder: they sit next to the JSON, overwritten by the next run.</summary>
    private string LogDir => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.JsonPath))!, "logs");

    public async Task<int> RunAsync()
    {
        var started = DateTimeOffset.UtcNow;
        var load = MachineInfo.LoadAverage();
        if (options.Perf && !Profiling.PerfRecorder.Available())
        {
            progress.WriteLine("--perf: perf is not installed or not usable here; continuing without it.");
            options = options with { Perf = false };
        }

        var clock = Stopwatch.StartNew();
        var workRoot = Path.Combine(Path.GetFullPath(options.WorkDir ?? Path.GetTempPath()), $"storage-bench-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(workRoot);
        _workRoot = workRoot;
        if (Directory.Exists(LogDir))
        {
            Directory.Delete(LogDir, recursive: true);
        }

        try
        {
            using var pki = BenchPki.Create(Path.Combine(workRoot, "pki"));
            var limits = options.RunsMachine ? await MeasureMachineAsync(pki, Path.Combine(workRoot, "probe")) : null;
            var measurements = new List<Measurement>();
            var client = "";
            if (options.RunsServer)
            {
                client = await RunServersAsync(pki, workRoot, measurements);
                if (limits is not null)
                {
                    progress.WriteLine("[disk] measured again after the server runs");
                    limits = limits with { DiskAfter = MeasureDisk(Path.Combine(workRoot, "probe")) };
                }
            }

            GatewayReport? gateway = null;
            if (options.RunsGateway)
            {
                var section = new Gateway.GatewaySection(
                    options.Quick ? GatewayProfile.Quick : GatewayProfile.Full, pki, workRoot, LogDir,
                    Path.Combine(AppContext.BaseDirectory, StorageServerHost.DllName), options.ServerEnvironment, progress);
                gateway = await section.RunAsync();
            }

            var report = new BenchReport
            {
                Started = started,
                Duration = clock.Elapsed,
                Profile = _profile.Name,
                Machine = MachineInfo.Current(workRoot, load),
                Limits = limits,
                Client = client,
                Notes = _notes,
                Measurements = measurements,
                Gateway = gateway,
            };
            TableWriter.Write(report, output);
            JsonReportWriter.Write(report, options.JsonPath);
            output.WriteLine($"JSON: {Path.GetFullPath(options.JsonPath)}");
            var failed = measurements.Concat(gateway?.Measurements ?? []).Where(m => m.Status.StartsWith("failed", StringComparison.Ordinal)).ToList();
            if (failed.Count > 0)
            {
                output.WriteLine($"{failed.Count} scenario(s) failed.");
                return 1;
            }

            // Asked for by name: a gateway section that could not run is a failed run, not a footnote.
            if (gateway is { Ok: false } && (options.Gateway == true || gateway.Status.StartsWith("failed", StringComparison.Ordinal)))
            {
                return 1;
            }

            return 0;
        }
        finally
        {
            DeleteWorkDirectory();
        }
    }

    /// <summary>Removes this run's data and probe files (also called from the signal handler).</summary>
    public void DeleteWorkDirectory()
    {
        if (Interlocked.Exchange(ref _workRoot, null) is { } workRoot)
        {
            TryDelete(workRoot);
        }
    }

    private async Task<MachineLimits> MeasureMachineAsync(BenchPki pki, string probeDir)
    {
        progress.WriteLine($"[{_profile.Name}] machine limits");
        var disk = MeasureDisk(probeDir);

        var crypto = CryptoProbe.Measure(_profile.CryptoProbeTime);
        progress.WriteLine($"  AES-GCM enc {crypto.AesGcmEncryptMiBps:0} / dec {crypto.AesGcmDecryptMiBps:0} MiB/s, MD5 {crypto.Md5MiBps:0}, SHA-256 {crypto.Sha256MiBps:0}, CRC32 {crypto.Crc32MiBps:0}");
        var tls = await TlsLoopbackProbe.MeasureAsync(pki.ServerCertificate, pki.Ca, _profile.TlsProbeBytes, _profile.TlsProbeCap);
        progress.WriteLine($"  TLS loopback {tls.MiBps:0} MiB/s ({tls.Protocol})");
        return new MachineLimits(disk, crypto, tls);
    }

    private List<DiskResult> MeasureDisk(string probeDir)
    {
        var sizes = _profile.ObjectSizes.ToList();
        if (sizes.All(s => s.Size != _profile.MultipartSize))
        {
            sizes.Add(new SizeRun(_profile.MultipartSize, 1));
        }

        var disk = new List<DiskResult>();
        foreach (var run in sizes)
        {
            var result = DiskProbe.Measure(probeDir, run, _profile.LargeTimeCap);
            progress.WriteLine($"  disk {Sizes.Label(run.Size)}: write+fsync {result.WriteFsyncMiBps:0.0} MiB/s, O_DIRECT write+fsync {result.DirectWriteFsyncMiBps:0.0} MiB/s, read {result.PageCacheReadMiBps:0.0} MiB/s");
            disk.Add(result);
        }

        return disk;
    }

    /// <returns>The description of the S3 client used.</returns>
    private async Task<string> RunServersAsync(BenchPki pki, string workRoot, List<Measurement> measurements)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, StorageServerHost.DllName);
        var keyServerDll = Path.Combine(AppContext.BaseDirectory, KeyServerHost.DllName);
        var sseC = EncryptionMode.SseC();
        var sseKms = EncryptionMode.SseKms(KmsKeyName);
        var sseKmsBucketKey = EncryptionMode.SseKmsBucketKey(KmsKeyName);
        if (!File.Exists(serverDll))
        {
            NotAvailable(measurements, $"n/a ({StorageServerHost.DllName} not found next to the bench)", EncryptionMode.Plain, EncryptionMode.SseS3, sseKms, sseKmsBucketKey, sseC);
            return "";
        }

        // Server 1: the embedded static key (SSE-S3); plain and SSE-C need no KMS but run here too.
        var staticKey = new Dictionary<string, string>
        {
            ["STORAGE_KMS_SECRET_KEY"] = $"{KmsKeyName}:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
        };
        var client = await WithServerAsync(
            "static-key", serverDll, pki, Path.Combine(workRoot, "data-static"), staticKey, measurements, EncryptionMode.Plain, EncryptionMode.SseS3, sseC);

        // Server 2: KES through the key server, over mTLS with the bench's client certificate.
        if (!options.Runs(sseKms.Name) && !options.Runs(sseKmsBucketKey.Name))
        {
            return client;
        }

        if (!File.Exists(keyServerDll))
        {
            NotAvailable(measurements, $"n/a ({KeyServerHost.DllName} not found next to the bench)", sseKms, sseKmsBucketKey);
            return client;
        }

        progress.WriteLine("[key-server] starting");
        KeyServerHost keyServer;
        try
        {
            keyServer = await KeyServerHost.StartAsync(keyServerDll, pki, Path.Combine(workRoot, "key-server"), KmsKeyName, Path.Combine(LogDir, "key-server.log"));
        }
        catch (ServerStartException e)
        {
            progress.WriteLine(e.Message);
            NotAvailable(measurements, $"n/a (key server did not start: {FirstLine(e.Message)})", sseKms, sseKmsBucketKey);
            return client;
        }

        using (keyServer)
        {
            var kes = new Dictionary<string, string>
            {
                ["STORAGE_KMS_KES_ENDPOINT"] = keyServer.Endpoint.ToString().TrimEnd('/'),
                ["STORAGE_KMS_KES_KEY_NAME"] = KmsKeyName,
                ["STORAGE_KMS_KES_CERT_FILE"] = pki.KmsClientCertFile,
                ["STORAGE_KMS_KES_KEY_FILE"] = pki.KmsClientKeyFile,
                ["STORAGE_KMS_KES_CAPATH"] = pki.CaFile,
            };
            var cpuBefore = ProcStats.CpuSeconds(keyServer.Pid);
            var kesClient = await WithServerAsync("kes", serverDll, pki, Path.Combine(workRoot, "data-kes"), kes, measurements, sseKms, sseKmsBucketKey);
            var cpu = ProcStats.CpuSeconds(keyServer.Pid) - cpuBefore;
            if (double.IsFinite(cpu))
            {
                _notes.Add($"key-server CPU during the SSE-KMS runs: {cpu:0.00} s (pid {keyServer.Pid}, peak RSS {ProcStats.StatusBytes(keyServer.Pid, "VmHWM") / Sizes.MiB} MiB)");
            }

            return client.Length > 0 ? client : kesClient;
        }
    }

    private async Task<string> WithServerAsync(
        string name, string dll, BenchPki pki, string dataDir, IReadOnlyDictionary<string, string> kmsEnvironment,
        List<Measurement> measurements, params EncryptionMode[] modes)
    {
        modes = [.. modes.Where(m => options.Runs(m.Name))];
        if (modes.Length == 0)
        {
            return "";
        }

        var environment = new Dictionary<string, string>(kmsEnvironment);
        if (options.Perf)
        {
            environment["DOTNET_PerfMapEnabled"] = "1";

            // With W^X on, JIT code runs from a double-mapped memfd that perf cannot match with the perf map.
            environment["DOTNET_EnableWriteXorExecute"] = "0";
        }

        foreach (var (k, v) in options.ServerEnvironment)
        {
            environment[k] = v;
        }

        progress.WriteLine($"[storage-server {name}] starting ({string.Join(", ", modes.Select(m => m.Name))})");
        StorageServerHost server;
        try
        {
            server = await StorageServerHost.StartAsync(dll, dataDir, pki, environment, Path.Combine(LogDir, $"storage-server-{name}.log"));
        }
        catch (ServerStartException e)
        {
            progress.WriteLine(e.Message);
            NotAvailable(measurements, $"failed: storage server did not start with {string.Join(", ", kmsEnvironment.Keys)}: {FirstLine(e.Message)}", modes);
            return "";
        }

        var pid = server.Pid;
        try
        {
            using var owned = server;
            var idleRss = ProcStats.StatusBytes(server.Pid, "VmRSS");
            _notes.Add($"storage-server ({name}) pid {server.Pid}, RSS after start {idleRss / Sizes.MiB} MiB"
                + (options.ServerEnvironment.Count > 0 ? $", extra environment: {string.Join(" ", options.ServerEnvironment.Select(e => $"{e.Key}={e.Value}"))}" : ""));
            using var client = S3ClientFactory.Create(server.Endpoint, server.AccessKey, server.SecretKey, pki.Ca);
            try
            {
                await client.PutBucketAsync(Bucket);
            }
            catch (AmazonS3Exception e)
            {
                NotAvailable(measurements, $"failed: CreateBucket: {e.ErrorCode} {e.Message}", modes);
                return S3ClientFactory.Describe(client, options.UnsignedPayload);
            }

            foreach (var mode in modes)
            {
                progress.WriteLine($"[{mode.Name}]");
                var perfDirectory = options.Perf ? Path.Combine(Path.GetDirectoryName(LogDir)!, "perf") : null;
                var runner = new ModeRunner(client, Bucket, mode, _profile, server.Pid, () => !server.HasExited, progress, perfDirectory, options.UnsignedPayload);
                measurements.AddRange(await runner.RunAsync());
            }

            _notes.Add($"storage-server ({name}) object GETs answered with an x-amz-checksum-* header, which the SDK then verifies: {S3ClientFactory.DescribeGetChecksums(client)}");
            _notes.Add($"storage-server ({name}) RSS at the end {ProcStats.StatusBytes(server.Pid, "VmRSS") / Sizes.MiB} MiB, "
                + $"total CPU {ProcStats.CpuSeconds(server.Pid):0.0} s");
            if (server.HasExited)
            {
                progress.WriteLine($"storage-server ({name}) exited. Log tail:\n{server.LogTail()}");
            }

            return S3ClientFactory.Describe(client, options.UnsignedPayload);
        }
        finally
        {
            if (options.Perf)
            {
                // The runtime leaves its perf maps behind; perf has read them by now.
                File.Delete(Path.Combine(Path.GetTempPath(), $"perf-{pid}.map"));
                File.Delete(Path.Combine(Path.GetTempPath(), $"perfinfo-{pid}.map"));
            }
        }
    }

    private void NotAvailable(List<Measurement> measurements, string status, params EncryptionMode[] modes)
    {
        foreach (var mode in modes.Where(m => options.Runs(m.Name)))
        {
            progress.WriteLine($"[{mode.Name}] {status}");
            measurements.AddRange(ScenarioPlan.For(_profile, mode.Name).Select(m => m.WithStatus(status)));
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not remove {directory}: {e.Message}");
        }
    }
}
