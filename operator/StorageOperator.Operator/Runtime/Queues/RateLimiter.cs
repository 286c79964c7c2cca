namespace StorageOperator.Operator.Runtime.Queues;

/// <summary>
/// Per-key exponential backoff (client-go's ItemExponentialFailureRateLimiter): the n-th consecutive
/// failure of a key waits base * 2^(n-1), capped; <see cref="Forget"/> after a success resets the key.
/// </summary>
public sealed class RateLimiter<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, int> _failures = [];

    public TimeSpan BaseDelay { get; } = baseDelay;

    public TimeSpan MaxDelay { get; } = maxDelay;

    /// <summary>Records a failure and returns how long to wait before retrying.</summary>
    public TimeSpan When(TKey key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }
        var delay = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 40));
        return delay >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(delay);
    }

    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public int NumRequeues(TKey key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }
}
