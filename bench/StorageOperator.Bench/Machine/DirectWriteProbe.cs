using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Bench.Machine;

/// <summary>
/// The other way to write the disk: O_DIRECT from an aligned buffer, then fsync — how the server writes objects over
/// 1 MiB. It skips the page cache, whose first touch of fresh memory made buffered writes of new files cost more CPU
/// than the device took time on the development VM; the disk's ceiling is the better of the two ways.
/// Linux x64/arm64; NaN elsewhere or where the filesystem refuses O_DIRECT.
/// </summary>
internal static partial class DirectWriteProbe
{
    private const int ChunkSize = 1 << 20, Alignment = 4096;
    private const int WriteOnly = 0x1, Create = 0x40, Truncate = 0x200, CloseOnExec = 0x80000;

    private static readonly int s_direct = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x4000,
        Architecture.Arm64 => 0x10000,
        _ => 0,
    };

    /// <summary>Seconds to write <paramref name="size"/> bytes (rounded up to the alignment) and fsync; null if unsupported.</summary>
    public static unsafe TimeSpan? Write(string path, long size, ReadOnlySpan<byte> pattern)
    {
        if (s_direct == 0)
        {
            return null;
        }

        var buffer = (byte*)NativeMemory.AlignedAlloc(ChunkSize, Alignment);
        try
        {
            var span = new Span<byte>(buffer, ChunkSize);
            for (var offset = 0; offset < ChunkSize; offset += pattern.Length)
            {
                pattern[..Math.Min(pattern.Length, ChunkSize - offset)].CopyTo(span[offset..]);
            }

            var fd = Open(path, WriteOnly | Create | Truncate | CloseOnExec | s_direct, 0x1A4);
            if (fd < 0)
            {
                return null;
            }

            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            for (long written = 0; written < size; written += ChunkSize)
            {
                var length = (int)Math.Min(ChunkSize, (size - written + Alignment - 1) / Alignment * Alignment);
                RandomAccess.Write(handle, new ReadOnlySpan<byte>(buffer, length), written);
            }

            using (var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0))
            {
                stream.Flush(flushToDisk: true);
            }

            return System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        catch (IOException)
        {
            return null; // accepted at open, refused at write
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, uint mode);
}
