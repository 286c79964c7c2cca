using StorageOperator.S3Server.Hosting.Transport;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>Kestrel's 64 KiB block pool: whole blocks, reuse after return, one return per lease.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_whole_and_reused_after_return()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();

        var first = pool.Rent(100);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose(); // a second dispose of the same lease must not put the block in the free list twice

        var second = pool.Rent();
        var third = pool.Rent();
        Assert.Equal(42, second.Memory.Span[0]); // the returned block, not a new one
        Assert.False(second.Memory.Equals(third.Memory));
    }

    [Fact]
    public void Requests_larger_than_a_block_are_refused()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }
}
