using System.Diagnostics;
using System.Security.Cryptography;
using StorageOperator.Bench.Processes;
using StorageOperator.Bench.Servers;

namespace StorageOperator.Bench.Gateway;

/// <summary>
/// A throw-away Ceph cluster (one monitor, one memstore OSD, radosgw's beast frontend on 127.0.0.1) started with the
/// tests' <c>rgw/start-rgw.sh</c>, copied next to the bench. The daemons detach from the script, so they are tracked by
/// the state folder: <see cref="StopAll"/> (Ctrl+C) and <see cref="DisposeAsync"/> run <c>stop-rgw.sh</c> on it.
/// </summary>
public sealed class RgwCluster : IAsyncDisposable
{
    public const string AccessKey = "bench-rgw";

    // radosgw first: without Ceph at all, "radosgw not installed" is the message that says what is missing.
    private static readonly string[] Tools = ["radosgw", "ceph-mon", "ceph-osd", "radosgw-admin", "monmaptool", "ceph"];
    private static readonly HashSet<RgwCluster> Live = [];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _stateDir;
    private readonly string _logDir;
    private Process? _starting;
    private Process? _tool;
    private volatile bool _stopped;

    private RgwCluster(string stateDir, string logDir, int port)
    {
        _stateDir = stateDir;
        _logDir = logDir;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Endpoint { get; }

    public string SecretKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public TimeSpan StartupTime { get; private set; }

    public string ConfigFile => Path.Combine(_stateDir, "ceph.conf");

    /// <summary>The first Ceph tool missing from PATH, or null when the cluster can be started.</summary>
    public static string? MissingTool() => Tools.FirstOrDefault(t => Command.Find(t) is null);

    /// <summary>"radosgw 16.2.x (…)" as the installed package reports it.</summary>
    public static async Task<string> VersionAsync()
    {
        var (exit, output) = await Command.RunAsync("radosgw", ["--version"], TimeSpan.FromSeconds(20));
        return exit == 0 ? output.Trim().Split('\n')[0] : "radosgw (version unknown)";
    }

    public static async Task<RgwCluster> StartAsync(string stateDir, string logDir)
    {
        var cluster = new RgwCluster(stateDir, logDir, FreePort.Next());
        lock (Live)
        {
            Live.Add(cluster);
        }

        var clock = Stopwatch.StartNew();
        var (exit, output) = await Command.RunAsync(
            "bash",
            [Script("start-rgw.sh"), stateDir, cluster.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), AccessKey, cluster.SecretKey],
            StartTimeout,
            p => cluster._starting = p);
        cluster._starting = null;
        cluster.StartupTime = clock.Elapsed;
        if (exit != 0)
        {
            await cluster.DisposeAsync();
            throw new ServerStartException($"start-rgw.sh failed ({exit}): {output.Trim()} (Ceph logs in {logDir})");
        }

        return cluster;
    }

    /// <summary>The daemons' pids, from the pid files the script's ceph.conf has them write.</summary>
    public IReadOnlyList<int> Pids()
    {
        try
        {
            return [.. Directory.GetFiles(Path.Combine(_stateDir, "run"), "*.pid")
                .Select(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) ? pid : -1)
                .Where(pid => pid > 0)];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>CPU seconds of the monitor, the OSD and radosgw together (NaN when one cannot be read).</summary>
    public double CpuSeconds() => Pids().Sum(ProcStats.CpuSeconds);

    public bool Alive() => Pids() is { Count: > 0 } pids && pids.All(pid => File.Exists($"/proc/{pid}/stat"));

    /// <summary>
    /// Frees what deleted objects still hold: RGW only queues their RADOS data for garbage collection (hours later by
    /// default), and the memstore OSD keeps it all in RAM up to its 2 GiB device.
    /// </summary>
    /// <returns>Null when done; otherwise why not.</returns>
    public async Task<string?> CollectGarbageAsync()
    {
        // After Ctrl+C the run goes on for a moment: a tool started then would wait for a monitor that is gone.
        if (_stopped)
        {
            return "the cluster was stopped";
        }

        var (exit, output) = await Command.RunAsync("radosgw-admin", ["-c", ConfigFile, "--client-mount-timeout", "30", "gc", "process", "--include-all"],
            TimeSpan.FromMinutes(2), p => _tool = p);
        _tool = null;
        return exit == 0 ? null : $"radosgw-admin gc process exited with {exit}: {output.Trim()}";
    }

    /// <summary>Stops every cluster this bench started (also from the signal handler, where nothing may be awaited).</summary>
    public static void StopAll()
    {
        List<RgwCluster> live;
        lock (Live)
        {
            live = [.. Live];
        }

        foreach (var cluster in live)
        {
            cluster.Stop();
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        lock (Live)
        {
            if (!Live.Remove(this))
            {
                return;
            }
        }

        _stopped = true;
        foreach (var running in new[] { _starting, _tool })
        {
            try
            {
                // An interrupted start-rgw.sh would go on starting daemons after stop-rgw.sh has looked for them.
                running?.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }

        KeepLogs();
        using var stop = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { Script("stop-rgw.sh"), _stateDir }, UseShellExecute = false });
        if (stop is not null && !stop.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            stop.Kill(entireProcessTree: true);
        }
    }

    /// <summary>stop-rgw.sh removes the state folder; the Ceph logs go next to the bench's other server logs first.</summary>
    private void KeepLogs()
    {
        try
        {
            var source = Path.Combine(_stateDir, "log");
            if (!Directory.Exists(source))
            {
                return;
            }

            var target = Path.Combine(_logDir, "rgw");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source).Where(f => new FileInfo(f).Length < 16 * 1024 * 1024))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "rgw", name);
}
