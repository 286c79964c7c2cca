using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StorageOperator.S3Server.Tests.Infrastructure;

/// <summary>The real storage-server binary as a child process (for kill -9 tests), plain HTTP on a fixed loopback port.</summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;

    private ChildServer(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<ChildServer> StartAsync(string dataDirectory, string certsDirectory, int? port = null)
    {
        var p = port ?? FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "storage-server.dll"), "server", dataDirectory, "--address", $"127.0.0.1:{p}", "--certs-dir", certsDirectory })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["STORAGE_ROOT_USER"] = S3ServerFixture.AccessKey;
        psi.Environment["STORAGE_ROOT_PASSWORD"] = S3ServerFixture.SecretKey;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ChildServer(process, new Uri($"http://127.0.0.1:{p}"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"storage-server exited with {process.ExitCode}");
            }

            try
            {
                using var r = await http.GetAsync(new Uri(server.Endpoint, "/minio/health/ready"));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException("storage-server did not become ready");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushes.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
