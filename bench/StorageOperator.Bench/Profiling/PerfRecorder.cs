using System.Diagnostics;
using System.Globalization;

namespace StorageOperator.Bench.Profiling;

/// <summary>
/// <c>perf record</c> attached to the server for one scenario (software cpu-clock events, so it works in VMs without
/// PMU access). JIT-compiled frames resolve through the server's perf map, which the bench turns on with
/// DOTNET_PerfMapEnabled=1 when profiling.
/// </summary>
public sealed class PerfRecorder : IAsyncDisposable
{
    private const int SampleHz = 499;

    private readonly Process _process;

    private PerfRecorder(Process process, string dataPath)
    {
        _process = process;
        DataPath = dataPath;
    }

    public string DataPath { get; }

    public static bool Available()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("perf", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (probe is null)
            {
                return false;
            }

            probe.WaitForExit(5000);
            return probe.HasExited && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static async Task<PerfRecorder> StartAsync(int pid, string dataPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dataPath))!);
        var info = new ProcessStartInfo("perf")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "record", "-e", "cpu-clock", "-F", SampleHz.ToString(CultureInfo.InvariantCulture), "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dataPath })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("perf did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // perf needs a moment to attach to every thread before the scenario's first request.
        await Task.Delay(300);
        return new PerfRecorder(process, dataPath);
    }

    /// <summary>SIGINT, so perf writes its data file completely; SIGKILL only if it does not finish.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])))
        {
            await (kill?.WaitForExitAsync() ?? Task.CompletedTask);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    /// <summary>The heaviest entries of <c>perf report</c> sorted by <paramref name="sortKeys"/> (e.g. "dso" or "dso,symbol").</summary>
    public static async Task<IReadOnlyList<PerfEntry>> ReportAsync(string dataPath, string sortKeys, int top)
    {
        var info = new ProcessStartInfo("perf")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "report", "-i", dataPath, "--stdio", "--no-children", "--sort", sortKeys, "-g", "none", "--percent-limit", "0.5" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("perf did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        _ = await stderr;
        return PerfReportParser.Parse(text).Take(top).ToList();
    }
}
