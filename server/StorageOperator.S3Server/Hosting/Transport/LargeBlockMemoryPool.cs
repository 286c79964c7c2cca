using System.Buffers;
using System.Collections.Concurrent;

namespace StorageOperator.S3Server.Hosting.Transport;

/// <summary>
/// Kestrel's buffer pool with 64 KiB blocks instead of its built-in 4 KiB. Kestrel receives into one pool block per
/// socket read and TLS decrypts into one block per read, so the block size sets how many syscalls and copies an
/// upload costs: at 4 KiB a gigabyte is a quarter of a million receive calls, each a kernel round trip (the
/// single largest cost of a plain PUT after MD5 in the profile), at 64 KiB a sixteenth of that. Idle connections
/// hold no block (Kestrel waits for data before renting one), so memory grows with active transfers only: at most
/// a few blocks per busy connection, and the free list keeps at most <see cref="MaxRetainedBlocks"/>.
/// Blocks are pinned (allocated on the pinned object heap) because sockets and TLS hand them to native code.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>16 MiB of idle blocks at most; more are dropped to the garbage collector when returned.</summary>
    public const int MaxRetainedBlocks = 256;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <param name="minBufferSize">-1 (any size) or at most <see cref="BlockSize"/>; the block is always a whole one.</param>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Lease();
            return block;
        }

        var fresh = new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
        fresh.Lease();
        return fresh;
    }

    private void Return(Block block)
    {
        if (_disposed || Interlocked.Increment(ref _freeCount) > MaxRetainedBlocks)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }

        _free.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    /// <summary>One pooled block. Disposing returns it; only the first dispose of a lease counts.</summary>
    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _leased;

        public Memory<byte> Memory => array;

        public void Lease() => _leased = 1;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _leased, 0) == 1)
            {
                pool.Return(this);
            }
        }
    }
}
