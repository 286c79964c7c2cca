using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>Streaming copies with one pooled 1 MiB buffer: memory stays flat whatever the object size.</summary>
internal static class StreamCopy
{
    public const int BufferSize = 1 << 20;

    /// <summary>Copies everything from <paramref name="source"/>, writing full buffers; returns the byte count.</summary>
    /// <param name="writeback">told after each write, so the disk works while the network still delivers.</param>
    public static async Task<long> CopyAsync(Stream source, Stream target, Writeback? writeback, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                // Network streams return small reads; fill the buffer so the disk sees large writes.
                var filled = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (filled == 0)
                {
                    return total;
                }
                await target.WriteAsync(buffer.AsMemory(0, filled), ct).ConfigureAwait(false);
                total += filled;
                writeback?.Written(total);
                if (filled < buffer.Length)
                {
                    return total;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Appends bytes [0, length) of an open file at <paramref name="target"/>'s position: inside the kernel where it
    /// can (<see cref="KernelCopy"/>), through a buffer for the rest.
    /// </summary>
    public static async Task CopyRangeAsync(SafeFileHandle source, long length, FileStream target, Writeback? writeback,
        CancellationToken ct)
    {
        var start = target.Position;
        var offset = KernelCopy.TryCopy(source, length, target.SafeFileHandle, start, writeback, ct);
        target.Position = start + offset;
        if (offset == length)
        {
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (offset < length)
            {
                var want = (int)Math.Min(buffer.Length, length - offset);
                var n = await RandomAccess.ReadAsync(source, buffer.AsMemory(0, want), offset, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new InvalidDataException("File shorter than its recorded length.");
                }
                await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                offset += n;
                writeback?.Written(start + offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
