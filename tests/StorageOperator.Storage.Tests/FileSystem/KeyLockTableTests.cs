using StorageOperator.Storage.FileSystem.Concurrency;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class KeyLockTableTests
{
    [Fact]
    public async Task One_holder_per_name_and_entries_are_dropped_when_unused()
    {
        var table = new KeyLockTable();
        var first = await table.AcquireAsync("k", CancellationToken.None);
        var second = table.AcquireAsync("k", CancellationToken.None).AsTask();
        var other = await table.AcquireAsync("other", CancellationToken.None); // a different name is not blocked
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second).Dispose();
        other.Dispose();
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_up_without_leaking_its_entry()
    {
        var table = new KeyLockTable();
        var holder = await table.AcquireAsync("k", CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiter = table.AcquireAsync("k", cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        holder.Dispose();
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public async Task Holders_never_overlap()
    {
        var table = new KeyLockTable();
        var inside = 0;
        var maxInside = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                using (await table.AcquireAsync("k", CancellationToken.None))
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref maxInside, now);
                    await Task.Yield();
                    Interlocked.Decrement(ref inside);
                }
            }
        })));
        Assert.Equal(1, maxInside);
        Assert.Equal(0, table.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
