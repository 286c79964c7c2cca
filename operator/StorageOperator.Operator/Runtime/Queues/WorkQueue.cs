namespace StorageOperator.Operator.Runtime.Queues;

/// <summary>
/// client-go's work queue semantics: a key is queued at most once (dirty set), never handed to two
/// workers at once (processing set), and a key added while it is being processed is queued again
/// when the worker calls <see cref="Done"/>. Delayed adds keep the earliest due time per key.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, (DateTimeOffset Due, ITimer Timer)> _waiting = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeProvider _time;

    public WorkQueue(RateLimiter<TKey> rateLimiter, TimeProvider? time = null)
    {
        RateLimiter = rateLimiter;
        _time = time ?? TimeProvider.System;
    }

    public RateLimiter<TKey> RateLimiter { get; }

    /// <summary>Keys ready to be picked up (not counting ones being processed or waiting on a delay).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shutdown.IsCancellationRequested || !_dirty.Add(key))
            {
                return;
            }
            if (_processing.Contains(key))
            {
                return;
            }
            _queue.Enqueue(key);
        }
        _available.Release();
    }

    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        var due = _time.GetUtcNow() + delay;
        lock (_lock)
        {
            if (_shutdown.IsCancellationRequested)
            {
                return;
            }
            if (_waiting.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }
                existing.Timer.Dispose();
            }
            var timer = _time.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan);
            _waiting[key] = (due, timer);
        }
    }

    private void Fire(TKey key, DateTimeOffset due)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(key, out var entry) || entry.Due != due)
            {
                return;
            }
            _waiting.Remove(key);
            entry.Timer.Dispose();
        }
        Add(key);
    }

    /// <summary>Re-queues after the key's next backoff delay.</summary>
    public void AddRateLimited(TKey key) => AddAfter(key, RateLimiter.When(key));

    public void Forget(TKey key) => RateLimiter.Forget(key);

    /// <summary>Waits for the next key; returns false once the queue is shut down.</summary>
    public async Task<(bool Ok, TKey Key)> GetAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
        while (true)
        {
            try
            {
                await _available.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
            {
                return (false, default!);
            }
            lock (_lock)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _processing.Add(key);
                    _dirty.Remove(key);
                    return (true, key);
                }
            }
        }
    }

    /// <summary>Marks the key finished; if it was added meanwhile it is queued again now.</summary>
    public void Done(TKey key)
    {
        var requeue = false;
        lock (_lock)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shutdown.IsCancellationRequested)
            {
                _queue.Enqueue(key);
                requeue = true;
            }
        }
        if (requeue)
        {
            _available.Release();
        }
    }

    /// <summary>Stops handing out keys; workers finish the one they hold.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            foreach (var (_, (_, timer)) in _waiting)
            {
                timer.Dispose();
            }
            _waiting.Clear();
        }
        _shutdown.Cancel();
    }

    public void Dispose()
    {
        ShutDown();
        _shutdown.Dispose();
        _available.Dispose();
    }
}
