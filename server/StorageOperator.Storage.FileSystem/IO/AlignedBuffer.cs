using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// A block of native memory aligned for O_DIRECT I/O (buffer address, length and file offset must be multiples of
/// the device's logical block size). Pooled: a fresh mapping would pay a page fault per 4 KiB on first touch.
/// </summary>
internal sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    public const int Alignment = 4096;

    public const int Size = 1 << 20;

    /// <summary>Enough for 16 uploads with two buffers each; beyond that buffers are freed when returned.</summary>
    private const int MaxRetained = 32;

    private static readonly ConcurrentQueue<AlignedBuffer> s_free = new();
    private static int s_freeCount;

    private readonly byte* _pointer = (byte*)NativeMemory.AlignedAlloc(Size, Alignment);

    private AlignedBuffer()
    {
    }

    public static AlignedBuffer Rent()
    {
        if (s_free.TryDequeue(out var buffer))
        {
            Interlocked.Decrement(ref s_freeCount);
            return buffer;
        }

        return new AlignedBuffer();
    }

    public static void Return(AlignedBuffer buffer)
    {
        if (Interlocked.Increment(ref s_freeCount) > MaxRetained)
        {
            Interlocked.Decrement(ref s_freeCount);
            ((IDisposable)buffer).Dispose();
            return;
        }

        s_free.Enqueue(buffer);
    }

    public override Span<byte> GetSpan() => new(_pointer, Size);

    // native memory never moves: pinning is a no-op
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing) => NativeMemory.AlignedFree(_pointer);
}
