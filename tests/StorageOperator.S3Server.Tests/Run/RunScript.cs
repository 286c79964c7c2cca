using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Run;

/// <summary>
/// scripts/run.sh (what <c>make run</c> calls) as a child in its own process group, running the servers this test
/// project already built (STORAGE_RUN_BIN), with its run folder and ports given.
/// </summary>
public sealed partial class RunScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunScript(Process process, string runDirectory, int storagePort, int keyServerPort)
    {
        _process = process;
        RunDirectory = runDirectory;
        StoragePort = storagePort;
        KeyServerPort = keyServerPort;
    }

    public string RunDirectory { get; }

    public int StoragePort { get; }

    public int KeyServerPort { get; }

    /// <summary>The script's process id, which is also its process group id (setsid).</summary>
    public int ProcessGroup => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The repository root (holds scripts/run.sh), found upwards from the test binaries.</summary>
    public static string? FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "run.sh")) && File.Exists(Path.Combine(dir.FullName, "Makefile")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    public static RunScript Start(string repository, string runDirectory, int storagePort, int keyServerPort)
    {
        // setsid: a process group of its own, so the test can signal it as a terminal's Ctrl-C would.
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repository,
        };
        psi.ArgumentList.Add("bash");
        psi.ArgumentList.Add(Path.Combine(repository, "scripts", "run.sh"));
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("STORAGE_", StringComparison.Ordinal)
            || k.StartsWith("MINIO_", StringComparison.Ordinal) || k.StartsWith("KEY_SERVER_", StringComparison.Ordinal)
            || k is "ADDRESS" or "RUN_DIR").ToList())
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["STORAGE_RUN_DIR"] = runDirectory;
        psi.Environment["STORAGE_RUN_PORT"] = storagePort.ToString(CultureInfo.InvariantCulture);
        psi.Environment["KEY_SERVER_RUN_PORT"] = keyServerPort.ToString(CultureInfo.InvariantCulture);
        psi.Environment["STORAGE_RUN_BIN"] = AppContext.BaseDirectory;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start scripts/run.sh");
        var script = new RunScript(process, runDirectory, storagePort, keyServerPort);
        process.OutputDataReceived += (_, e) => script.Append(e.Data);
        process.ErrorDataReceived += (_, e) => script.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>The banner's fields once printed ("endpoint:", "access key:", "secret key:"); null before.</summary>
    public (Uri Endpoint, string AccessKey, string SecretKey)? Banner()
    {
        var text = Output;
        var endpoint = BannerLine("endpoint", text);
        var access = BannerLine("access key", text);
        var secret = BannerLine("secret key", text);
        return endpoint is null || access is null || secret is null ? null : (new Uri(endpoint), access, secret);
    }

    private static string? BannerLine(string label, string text) =>
        Regex.Match(text, $@"^\s*{label}:\s+(\S+)\s*$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Process ids whose process group is the script's (the script, the key server, the storage server).</summary>
    public IReadOnlyList<(int Pid, string CommandLine)> GroupMembers()
    {
        var members = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // the command name in (…) may contain spaces; the fields after the last ')' are: state ppid pgrp …
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2], CultureInfo.InvariantCulture) == ProcessGroup)
                {
                    members.Add((pid, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()));
                }
            }
            catch (IOException)
            {
                // exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return members;
    }

    public static async Task SignalAsync(string signal, string target)
    {
        var kill = await ProcessRunner.RunAsync("kill", [$"-{signal}", "--", target], timeout: TimeSpan.FromSeconds(10));
        Assert.True(kill.ExitCode == 0, kill.ToString());
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SignalAsync("KILL", $"-{ProcessGroup}");
            }
            catch (Xunit.Sdk.XunitException)
            {
                // already gone
            }

            await _process.WaitForExitAsync();
        }

        foreach (var (pid, _) in GroupMembers())
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process.Dispose();
    }
}
