using System.Buffers;

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
}
