using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>Streaming copies with one pooled 1 MiB buffer: memory stays flat whatever the object size.</summary>
internal static class StreamCopy
{
    public const int BufferSize = 1 << 20;

    /// <summary>Copies everything from <paramref name="source"/>, writing full buffers; returns the byte count.</summary>
    public static async Task<long> CopyAsync(Stream source, Stream target, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                // Network streams return small reads; fill the buffer so the disk sees large writes.
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var n = await source.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }
                    filled += n;
                }
                if (filled == 0)
                {
                    return total;
                }
                await target.WriteAsync(buffer.AsMemory(0, filled), ct).ConfigureAwait(false);
                total += filled;
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

    /// <summary>Appends bytes [0, length) of an open file to <paramref name="target"/>.</summary>
    public static async Task CopyRangeAsync(SafeFileHandle source, long length, Stream target, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
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
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
