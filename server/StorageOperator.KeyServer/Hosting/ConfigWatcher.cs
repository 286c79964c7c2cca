using System.Security.Cryptography;
using StorageOperator.KeyServer.Configuration;

namespace StorageOperator.KeyServer.Hosting;

/// <summary>
/// Re-reads the config file when a file-system event arrives or the poll interval passes (events are lost on some
/// file systems and with Kubernetes' symlink swaps; polling is the backstop). A file that does not parse keeps the
/// old config and logs why. Content hashes, not timestamps, decide whether anything changed.
/// </summary>
public sealed class ConfigWatcher : IAsyncDisposable
{
    private readonly string _path;
    private readonly TimeSpan _pollInterval;
    private readonly Func<string, string?> _environment;
    private readonly Action<KeyServerConfig> _onChange;
    private readonly Action _onTick;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly FileSystemWatcher? _watcher;
    private readonly Task _loop;
    private string _lastHash;

    /// <param name="loadedBytes">The file content the running config came from, so a change made during start-up is not missed.</param>
    public ConfigWatcher(string path, byte[] loadedBytes, TimeSpan pollInterval, Func<string, string?> environment, Action<KeyServerConfig> onChange, Action onTick, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _pollInterval = pollInterval;
        _environment = environment;
        _onChange = onChange;
        _onTick = onTick;
        _logger = logger;
        _lastHash = Convert.ToHexString(SHA256.HashData(loadedBytes));
        try
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!) { IncludeSubdirectories = false };
            _watcher.Changed += (_, _) => Signal();
            _watcher.Created += (_, _) => Signal();
            _watcher.Renamed += (_, _) => Signal();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _logger.LogWarning("config file notifications unavailable, polling only: {Message}", e.Message);
        }

        _loop = Task.Run(LoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _watcher?.Dispose();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _signal.Dispose();
    }

    private void Signal()
    {
        if (!_stop.IsCancellationRequested)
        {
            _signal.Release();
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await _signal.WaitAsync(_pollInterval, _stop.Token);
            try
            {
                CheckOnce();
                _onTick();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The watcher must outlive any one bad read; the next event or poll tries again.
                _logger.LogError("config watch failed: {Message}", e.Message);
            }
        }
    }

    private void CheckOnce()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("config reload: cannot read {Path}: {Message}", _path, e.Message);
            return;
        }

        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        if (hash == _lastHash)
        {
            return;
        }

        _lastHash = hash;
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes));
            _onChange(ConfigParser.Parse(reader.ReadToEnd(), _environment));
        }
        catch (ConfigException e)
        {
            _logger.LogError("config reload rejected, keeping the previous config: {Errors}", string.Join("; ", e.Errors));
        }
    }
}
