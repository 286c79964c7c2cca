using StorageOperator.Operator.Runtime.Queues;
using StorageOperator.Operator.Tests.Support;
using Xunit;

namespace StorageOperator.Operator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static WorkQueue<string> NewQueue(ManualTimeProvider? time = null) =>
        new(new RateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), time);

    private static async Task<string> Next(WorkQueue<string> queue)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var (ok, key) = await queue.GetAsync(cts.Token);
        Assert.True(ok);
        return key;
    }

    [Fact]
    public async Task Duplicate_adds_yield_one_item()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await Next(queue));
        Assert.Equal("b", await Next(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Key_added_while_processing_is_not_handed_out_until_done_then_runs_again()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var first = await Next(queue);
        queue.Add("a");
        Assert.Equal(0, queue.Count);

        queue.Done(first);
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await Next(queue));
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Done_without_readd_does_not_requeue()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Done(await Next(queue));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.GetAsync(cts.Token));
    }

    [Fact]
    public async Task Shutdown_releases_waiting_workers()
    {
        using var queue = NewQueue();
        var waiting = queue.GetAsync(CancellationToken.None);
        queue.ShutDown();
        var (ok, _) = await waiting.WaitAsync(Deadline);
        Assert.False(ok);
        queue.Add("late");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Concurrent_workers_never_hold_the_same_key_and_every_add_is_eventually_processed()
    {
        using var queue = NewQueue();
        var keys = Enumerable.Range(0, 20).Select(i => $"k{i}").ToArray();
        var inFlight = new HashSet<string>();
        var overlap = 0;
        var processedAfterLastAdd = new HashSet<string>();
        var allAdded = false;
        var gate = new Lock();

        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (ok, key) = await queue.GetAsync(stop.Token);
                if (!ok)
                {
                    return;
                }
                lock (gate)
                {
                    if (!inFlight.Add(key))
                    {
                        overlap++;
                    }
                }
                await Task.Yield();
                lock (gate)
                {
                    inFlight.Remove(key);
                    if (Volatile.Read(ref allAdded))
                    {
                        processedAfterLastAdd.Add(key);
                    }
                }
                queue.Done(key);
            }
        })).ToArray();

        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                queue.Add(keys[(i * 7 + p) % keys.Length]);
            }
        })).ToArray();
        await Task.WhenAll(producers);
        Volatile.Write(ref allAdded, true);
        // One more add per key after the flag: each must be processed at least once more.
        foreach (var key in keys)
        {
            queue.Add(key);
        }

        await Poll.UntilAsync(() => { lock (gate) { return processedAfterLastAdd.Count == keys.Length; } }, "every key processed after its last add");
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(Deadline);
        Assert.Equal(0, overlap);
    }

    [Fact]
    public async Task AddAfter_waits_for_the_clock_and_keeps_the_earliest_due_time()
    {
        var time = new ManualTimeProvider();
        using var queue = NewQueue(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        Assert.Equal(0, queue.Count);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        queue.Done(await Next(queue));

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void AddRateLimited_delays_by_the_keys_backoff()
    {
        var time = new ManualTimeProvider();
        using var queue = NewQueue(time);
        queue.AddRateLimited("a"); // 1 s
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.RateLimiter.NumRequeues("a"));
    }
}
