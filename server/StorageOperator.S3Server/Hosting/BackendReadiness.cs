using Microsoft.Extensions.Logging;

namespace StorageOperator.S3Server.Hosting;

/// <summary>
/// Whether the storage backend answers, for <c>/minio/health/ready</c>. Probes are cached for
/// <see cref="CacheFor"/> and shared by concurrent callers, so readiness checks from many kubelets and
/// load balancers cost the backend at most one request per interval.
/// </summary>
public sealed partial class BackendReadiness
{
    /// <summary>How long one probe result answers readiness checks.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    /// <summary>A probe slower than this counts as unreachable (kubelet probes time out after a few seconds anyway).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<CancellationToken, Task<string?>>? _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task<string?>? _running;
    private string? _reason;
    private long _probedAt;
    private bool _probed;

    /// <param name="probe">null when the backend is always ready (the local filesystem); else returns null or the reason it is not.</param>
    public BackendReadiness(Func<CancellationToken, Task<string?>>? probe, TimeProvider time, ILogger<BackendReadiness> logger)
    {
        _probe = probe;
        _time = time;
        _logger = logger;
    }

    /// <returns>null when ready, else why not.</returns>
    public Task<string?> CheckAsync(CancellationToken ct)
    {
        if (_probe is null)
        {
            return Task.FromResult<string?>(null);
        }

        Task<string?> running;
        lock (_gate)
        {
            if (_probed && _time.GetElapsedTime(_probedAt) < CacheFor)
            {
                return Task.FromResult(_reason);
            }

            if (_running is null || _running.IsCompleted)
            {
                _running = ProbeAsync(_probe);
            }

            running = _running;
        }

        return running.WaitAsync(ct);
    }

    private async Task<string?> ProbeAsync(Func<CancellationToken, Task<string?>> probe)
    {
        string? reason;
        using var timeout = new CancellationTokenSource(ProbeTimeout, _time);
        try
        {
            reason = await probe(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            reason = $"the backend did not answer within {ProbeTimeout.TotalSeconds:0} s";
        }

        lock (_gate)
        {
            if (!_probed || reason != _reason)
            {
                if (reason is null)
                {
                    LogReady(_logger);
                }
                else
                {
                    LogNotReady(_logger, reason);
                }
            }

            _reason = reason;
            _probedAt = _time.GetTimestamp();
            _probed = true;
        }

        return reason;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage backend reachable: ready")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage backend unreachable, not ready (requests answer 503): {Reason}")]
    private static partial void LogNotReady(ILogger logger, string reason);
}
