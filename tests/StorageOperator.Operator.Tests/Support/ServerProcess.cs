using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Support;

/// <summary>A server built in this repository, run as its own process (`dotnet X.dll args`) with a given environment.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(Process process) => _process = process;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The output folder of a sibling project, same configuration as this test assembly.</summary>
    public static string ProjectOutput(string projectFolder, string dll)
    {
        // .../tests/StorageOperator.Operator.Tests/bin/<Configuration>/<tfm>/
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = tfmDir.Parent!.Name;
        return Path.Combine(RepoPaths.Root, projectFolder, "bin", configuration, tfmDir.Name, dll);
    }

    public static ServerProcess Start(string dll, IEnumerable<string> args, IDictionary<string, string> environment, ITestOutputHelper output, string name)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("STORAGE_", StringComparison.Ordinal) || k.StartsWith("MINIO_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info)!;
        var server = new ServerProcess(process);
        void Capture(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (server._log)
            {
                server._log.AppendLine(e.Data);
            }
            try
            {
                output.WriteLine($"[{name}] {e.Data}");
            }
            catch (InvalidOperationException)
            {
                // the test already finished
            }
        }
        process.OutputDataReceived += Capture;
        process.ErrorDataReceived += Capture;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public async Task WaitForPortAsync(int port)
    {
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"process exited with {_process.ExitCode}:\n{Log}");
            }
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return "open";
            }
            catch (SocketException)
            {
                return null;
            }
        }, _ => true, $"port {port}", TimeSpan.FromSeconds(60));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
