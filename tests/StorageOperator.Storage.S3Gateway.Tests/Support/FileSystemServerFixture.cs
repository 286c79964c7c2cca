using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace StorageOperator.Storage.S3Gateway.Tests.Support;

/// <summary>
/// Our own filesystem-backed storage server as the gateway's backend: a copy of the built
/// storage-server (server/StorageOperator.S3Server/bin/…, or STORAGE_TEST_SERVER_DLL) started on
/// 127.0.0.1 with a temporary data folder. The tests skip when it is not built or does not start.
/// </summary>
public sealed class FileSystemServerFixture : IAsyncLifetime
{
    public const string AccessKey = "gateway-fs-user";
    public const string SecretKey = "gateway-fs-password-0123456789";

    private string? _workDirectory;
    private Process? _process;
    private readonly StringBuilder _output = new();

    public Uri? Endpoint { get; private set; }
    public string? SkipReason { get; private set; }

    /// <summary>The CA that signed the server's certificate.</summary>
    public string? CaFile { get; private set; }

    public async Task InitializeAsync()
    {
        var dll = Environment.GetEnvironmentVariable("STORAGE_TEST_SERVER_DLL") is { Length: > 0 } configured
            ? configured
            : FindBuiltServer();
        if (dll is null || !File.Exists(dll))
        {
            SkipReason = "storage-server is not built (dotnet build server/StorageOperator.S3Server), so it cannot serve as the backend.";
            return;
        }
        // A private copy: the server project may be rebuilt while the tests run.
        _workDirectory = Directory.CreateTempSubdirectory("gateway-fs-backend-").FullName;
        var binaries = Path.Combine(_workDirectory, "bin");
        CopyDirectory(Path.GetDirectoryName(dll)!, binaries);
        var data = Directory.CreateDirectory(Path.Combine(_workDirectory, "data")).FullName;
        var certs = Directory.CreateDirectory(Path.Combine(_workDirectory, "certs")).FullName;
        var serverDll = Path.Combine(binaries, Path.GetFileName(dll));
        // Served over TLS with a CA of its own, as a production backend would be (the gateway trusts it via CaFile).
        var certgen = Process.Start(new ProcessStartInfo("dotnet", [serverDll, "certgen", "--ca", "--host", "127.0.0.1", "--out", certs])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var certgenOutput = await certgen.StandardError.ReadToEndAsync() + await certgen.StandardOutput.ReadToEndAsync();
        await certgen.WaitForExitAsync();
        if (certgen.ExitCode != 0 || !File.Exists(Path.Combine(certs, "CAs", "ca.crt")))
        {
            SkipReason = "storage-server certgen failed: " + certgenOutput;
            return;
        }
        CaFile = Path.Combine(certs, "CAs", "ca.crt");
        var port = RgwFixture.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { serverDll, "server", data, "--address", $"127.0.0.1:{port}", "--certs-dir", certs })
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["STORAGE_ROOT_USER"] = AccessKey;
        info.Environment["STORAGE_ROOT_PASSWORD"] = SecretKey;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                Endpoint = new Uri($"https://127.0.0.1:{port}/");
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        SkipReason = "storage-server did not start: " + Output();
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_workDirectory is not null)
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
    }

    public Uri Require()
    {
        Skip.If(SkipReason is not null, SkipReason);
        return Endpoint!;
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 100_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string? FindBuiltServer()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StorageOperator.sln")))
            {
                // Prefer the configuration this test assembly was built in (make test builds Release).
                var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name;
                var configurations = new[] { configuration, "Release", "Debug" }.Where(c => !string.IsNullOrEmpty(c)).Distinct();
                return configurations
                    .Select(c => Path.Combine(directory.FullName, "server", "StorageOperator.S3Server", "bin", c!, "net10.0", "storage-server.dll"))
                    .FirstOrDefault(File.Exists);
            }
        }
        return null;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FileSystemServerCollection : ICollectionFixture<FileSystemServerFixture>
{
    public const string Name = "fs-server";
}
