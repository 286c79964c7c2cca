using System.Diagnostics;

namespace StorageOperator.Bench.Processes;

/// <summary>
/// A server started as <c>dotnet X.dll ...</c> with its own environment; output goes to a log file (read on failure),
/// never to a pipe that could fill up and stall it. Disposing kills exactly this process (and its children).
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly HashSet<ChildProcess> Live = [];

    private readonly Process _process;
    private readonly LogSink _log;

    private ChildProcess(Process process, LogSink log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        Pid = process.Id;
    }

    /// <summary>Kept from the start: the signal handler may dispose the process while the run is still reading it.</summary>
    public int Pid { get; }

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                // Disposed (by Ctrl+C's handler): as good as exited.
                return true;
            }
        }
    }

    public string LogPath { get; }

    public static ChildProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A clean slate: the bench's own shell may carry STORAGE_/MINIO_ variables that would change what is measured.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("STORAGE_", StringComparison.Ordinal) || k.StartsWith("MINIO_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new LogSink(new StreamWriter(logPath, append: true) { AutoFlush = true });
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.Append(e.Data);
        process.ErrorDataReceived += (_, e) => log.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, log, logPath);
        lock (Live)
        {
            Live.Add(child);
        }

        return child;
    }

    /// <summary>
    /// Kills every server this bench started and has not disposed yet: on Ctrl+C the finally blocks do not run, and
    /// the servers would outlive the bench.
    /// </summary>
    public static void KillAll()
    {
        List<ChildProcess> live;
        lock (Live)
        {
            live = [.. Live];
        }

        foreach (var child in live)
        {
            child.Dispose();
        }
    }

    public string LogTail(int lines = 20)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public void Dispose()
    {
        lock (Live)
        {
            if (!Live.Remove(this))
            {
                return;
            }
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _log.Dispose();
    }

    /// <summary>Output lines arrive on thread-pool threads, possibly after the process is disposed.</summary>
    private sealed class LogSink(StreamWriter writer) : IDisposable
    {
        private bool _closed;

        public void Append(string? line)
        {
            lock (writer)
            {
                if (line is not null && !_closed)
                {
                    writer.WriteLine(line);
                }
            }
        }

        public void Dispose()
        {
            lock (writer)
            {
                _closed = true;
                writer.Dispose();
            }
        }
    }
}
