using System.Diagnostics;
using System.Text.RegularExpressions;
using StorageOperator.KeyServer.Hosting;

namespace StorageOperator.KeyServer.Tests.Infrastructure;

/// <summary>The real key-server program as a child process, so a test can kill it with SIGKILL.</summary>
public sealed partial class ChildKeyServer : IDisposable
{
    private readonly Process _process;

    private ChildKeyServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ChildKeyServer> StartAsync(string configPath)
    {
        var dll = typeof(KeyServerHost).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "server", "--config", configPath })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token)
                ?? throw new InvalidOperationException($"key-server exited with {(process.WaitForExit(5000) ? process.ExitCode : -1)} before listening");
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return new ChildKeyServer(process, new Uri(match.Groups[1].Value));
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (https://\S+?)/? ")]
    private static partial Regex ListeningLine();
}
