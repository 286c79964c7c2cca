using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace StorageOperator.TestCommon.Rgw;

/// <summary>
/// One throw-away Ceph RADOS Gateway for the whole test run (rgw/start-rgw.sh: a monitor, an OSD
/// on memstore, radosgw's beast frontend on 127.0.0.1). Without the Debian packages the tests skip,
/// unless CI=true or STORAGE_TEST_INSTALL_RGW=1, in which case the fixture installs them first.
/// Shared by the gateway backend's tests and the storage server's replica tests; xunit wants the
/// collection definition in each test assembly, so each declares its own (see <see cref="RgwCollectionName"/>).
/// </summary>
public sealed class RgwFixture : IAsyncLifetime
{
    /// <summary>The name test assemblies give their <c>ICollectionFixture&lt;RgwFixture&gt;</c> collection.</summary>
    public const string RgwCollectionName = "rgw";

    public const string AccessKey = "gateway-test-access";
    public const string SecretKey = "gateway-test-secret-0123456789abcdef";
    private static readonly string[] Tools = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph"];

    private string? _stateDirectory;

    public Uri? Endpoint { get; private set; }
    public string? SkipReason { get; private set; }
    public string? StartFailure { get; private set; }
    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (Tools.Any(t => FindOnPath(t) is null))
        {
            var mayInstall = Environment.GetEnvironmentVariable("CI") == "true"
                             || Environment.GetEnvironmentVariable("STORAGE_TEST_INSTALL_RGW") == "1";
            if (!mayInstall)
            {
                SkipReason = "Ceph RGW is not installed (apt-get install ceph-mon ceph-osd radosgw); "
                             + "set STORAGE_TEST_INSTALL_RGW=1 (or CI=true) to let the tests install it.";
                return;
            }
            var install = await RunAsync("bash",
                ["-c", "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw"],
                TimeSpan.FromMinutes(10)).ConfigureAwait(false);
            if (install.ExitCode != 0)
            {
                StartFailure = "Installing Ceph RGW failed: " + install.Output;
                return;
            }
        }
        _stateDirectory = Path.Combine(Path.GetTempPath(), "storage-rgw-" + Guid.NewGuid().ToString("N")[..12]);
        var rgwPort = FreePort();
        var monPort = FreePort();
        var stopwatch = Stopwatch.StartNew();
        var start = await RunAsync("bash",
            [Script("start-rgw.sh"), _stateDirectory, rgwPort.ToString(), monPort.ToString(), AccessKey, SecretKey],
            TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        StartupTime = stopwatch.Elapsed;
        if (start.ExitCode != 0)
        {
            StartFailure = $"start-rgw.sh failed ({start.ExitCode}): {start.Output}";
            return;
        }
        Endpoint = new Uri($"http://127.0.0.1:{rgwPort}/");
    }

    public async Task DisposeAsync()
    {
        if (_stateDirectory is not null)
        {
            await RunAsync("bash", [Script("stop-rgw.sh"), _stateDirectory], TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        }
    }

    /// <summary>Stops only the radosgw daemon (the cluster stays): the backend is down.</summary>
    public async Task StopGatewayAsync()
    {
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(_stateDirectory!, "run", "client.rgw.pid")));
        using var daemon = Process.GetProcessById(pid);
        daemon.Kill();
        await daemon.WaitForExitAsync();
    }

    /// <summary>
    /// Starts radosgw again on the same port and waits until it serves S3 requests: right after a restart it
    /// accepts connections but may still answer 5xx while it reloads its state, so a missing bucket must read 4xx.
    /// </summary>
    public async Task StartGatewayAsync()
    {
        var start = await RunAsync("radosgw", ["-c", Path.Combine(_stateDirectory!, "ceph.conf"), "-n", "client.rgw"], TimeSpan.FromMinutes(1))
            .ConfigureAwait(false);
        Assert.True(start.ExitCode == 0, "radosgw did not restart: " + start.Output);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint!, "storage-operator-readiness-probe")).ConfigureAwait(false);
                if ((int)response.StatusCode < 500 || DateTime.UtcNow >= deadline)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>Skips the calling test when RGW is not installed; fails it when RGW did not start.</summary>
    public Uri Require()
    {
        Skip.If(SkipReason is not null, SkipReason);
        Assert.True(StartFailure is null, StartFailure);
        return Endpoint!;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "rgw", name);

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, tool))
        .FirstOrDefault(File.Exists);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}");
        }
        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }
}
