using StorageOperator.Storage.S3Gateway.Caching;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Unit;

public sealed class BucketConfigCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    [Fact]
    public void Documents_and_misses_are_served_until_the_ttl_ends()
    {
        var time = new ManualTime();
        var cache = new BucketConfigCache(Ttl, 100, time);
        Assert.False(cache.TryGet("b", "encryption", out _));

        cache.Store("b", "encryption", null, cache.Generation);
        cache.Store("c", "encryption", [1, 2], cache.Generation);
        Assert.True(cache.TryGet("b", "encryption", out var miss));
        Assert.Null(miss);
        Assert.True(cache.TryGet("c", "encryption", out var hit));
        Assert.Equal([1, 2], hit);
        Assert.False(cache.TryGet("c", "other", out _));

        time.Advance(Ttl - TimeSpan.FromTicks(1));
        Assert.True(cache.TryGet("b", "encryption", out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.TryGet("b", "encryption", out _));
        Assert.False(cache.TryGet("c", "encryption", out _));
    }

    [Fact]
    public void Callers_get_copies()
    {
        var cache = new BucketConfigCache(Ttl, 100, new ManualTime());
        byte[] stored = [1, 2];
        cache.Store("b", "n", stored, cache.Generation);
        stored[0] = 9;
        Assert.True(cache.TryGet("b", "n", out var first));
        first![1] = 9;
        Assert.True(cache.TryGet("b", "n", out var second));
        Assert.Equal([1, 2], second);
    }

    [Fact]
    public void Invalidation_drops_the_bucket_and_a_fetch_that_raced_it()
    {
        var cache = new BucketConfigCache(Ttl, 100, new ManualTime());
        cache.Store("b", "n", [1], cache.Generation);
        cache.Store("other", "n", [2], cache.Generation);

        var before = cache.Generation; // a read starts here …
        cache.Invalidate("b");         // … a local PutBucketEncryption runs …
        cache.Store("b", "n", [1], before); // … and the read's older answer must not stick

        Assert.False(cache.TryGet("b", "n", out _));
        Assert.True(cache.TryGet("other", "n", out _));
        cache.Store("b", "n", [3], cache.Generation);
        Assert.True(cache.TryGet("b", "n", out var fresh));
        Assert.Equal([3], fresh);
    }

    [Fact]
    public void Size_is_bounded_and_zero_ttl_disables()
    {
        var cache = new BucketConfigCache(Ttl, 3, new ManualTime());
        for (var i = 0; i < 10; i++)
        {
            cache.Store("b" + i, "n", null, cache.Generation);
        }
        Assert.InRange(Enumerable.Range(0, 10).Count(i => cache.TryGet("b" + i, "n", out _)), 1, 3);
        Assert.True(cache.TryGet("b9", "n", out _));

        var off = new BucketConfigCache(TimeSpan.Zero, 100, new ManualTime());
        off.Store("b", "n", null, off.Generation);
        Assert.False(off.TryGet("b", "n", out _));
    }
}
