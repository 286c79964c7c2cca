using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace StorageOperator.E2E.Tests.EndToEnd;

/// <summary><c>kubectl port-forward</c> to a Service on a free local port, stopped on dispose.</summary>
public sealed partial class PortForward : IAsyncDisposable
{
    private readonly Process _process;

    private PortForward(Process process, int localPort)
    {
        _process = process;
        LocalPort = localPort;
    }

    public int LocalPort { get; }

    public static async Task<PortForward> StartAsync(string kubectl, string kubeconfig, string ns, string service, int remotePort, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "port-forward", "-n", ns, "--address", "127.0.0.1", $"service/{service}", $":{remotePort}" })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start kubectl port-forward");
        var output = new StringBuilder();
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(e.Data);
            }
            if (Forwarding().Match(e.Data) is { Success: true } m)
            {
                port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"kubectl port-forward exited:\n{output}"));
        try
        {
            var local = await port.Task.WaitAsync(timeout);
            return new PortForward(process, local);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
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

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:([0-9]+) ->")]
    private static partial Regex Forwarding();
}
