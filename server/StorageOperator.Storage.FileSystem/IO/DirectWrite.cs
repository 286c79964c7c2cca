using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// Writes a large object's bytes to a new file with O_DIRECT, as MinIO does: the device reads them straight from our
/// buffer, so the page cache neither copies them (a buffered write of a new gigabyte cost more kernel CPU here than
/// its MD5, most of it first-touching fresh page-cache memory) nor holds them afterwards, pushing out data that is
/// read. The network read of the next megabyte overlaps the device write of the previous one.
/// Bodies that fit in one buffer, and the unaligned tail of any body, are written through the page cache as before.
/// Linux x64/arm64 only; where O_DIRECT is refused (tmpfs before Linux 6.6, some network filesystems) callers write
/// buffered.
/// </summary>
internal static class DirectWrite
{
    private const int WriteOnly = 0x1, Create = 0x40, Exclusive = 0x80, CloseOnExec = 0x80000;
    private const int GetFlags = 3, SetFlags = 4;
    private const uint CreateMode = 0x1B6; // 0666 before the umask, as .NET creates files

    private static readonly int s_direct = NativeMethods.ODirect;

    public static bool Supported => s_direct != 0;

    /// <summary>Creates <paramref name="path"/> (it must not exist) for direct writes; null when O_DIRECT is refused.</summary>
    /// <exception cref="IOException">the file could not be created for another reason.</exception>
    public static SafeFileHandle? TryCreate(string path)
    {
        if (s_direct == 0)
        {
            return null;
        }

        var fd = NativeMethods.OpenWithMode(path, WriteOnly | Create | Exclusive | CloseOnExec | s_direct, CreateMode);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == NativeMethods.EInval ? null : throw new IOException($"Cannot create {path}: errno {errno}.");
    }

    /// <summary>
    /// Copies <paramref name="source"/> to the start of <paramref name="file"/> (made by <see cref="TryCreate"/>) and
    /// turns O_DIRECT off, so the caller can append and fsync as with any file. Returns the byte count.
    /// </summary>
    /// <param name="refused">called when a filesystem that accepted the O_DIRECT open refuses the first direct write
    /// (the copy then goes on through the page cache).</param>
    public static async Task<long> CopyAsync(Stream source, SafeFileHandle file, CancellationToken ct, Action? refused = null)
    {
        var reading = AlignedBuffer.Rent();
        var writing = AlignedBuffer.Rent();
        ValueTask pending = default;
        long total = 0;
        try
        {
            while (true)
            {
                var filled = await source.ReadAtLeastAsync(reading.Memory, AlignedBuffer.Size, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                var previous = pending;
                pending = default;
                await previous.ConfigureAwait(false);
                if (filled < AlignedBuffer.Size)
                {
                    // the last buffer: its aligned part direct (unless the body is this one buffer), the rest buffered
                    var aligned = total == 0 ? 0 : filled & ~(AlignedBuffer.Alignment - 1);
                    if (aligned > 0)
                    {
                        await RandomAccess.WriteAsync(file, reading.Memory[..aligned], total, ct).ConfigureAwait(false);
                    }

                    EndDirect(file);
                    if (filled > aligned)
                    {
                        await RandomAccess.WriteAsync(file, reading.Memory[aligned..filled], total + aligned, ct).ConfigureAwait(false);
                    }

                    return total + filled;
                }

                if (total == 0 && !await TryFirstWriteAsync(file, reading.Memory, ct).ConfigureAwait(false))
                {
                    refused?.Invoke();
                    return AlignedBuffer.Size + await CopyBufferedAsync(source, file, reading.Memory, ct).ConfigureAwait(false);
                }

                // the device writes this buffer while the next one is read (the first one was written and checked)
                pending = total == 0 ? default : RandomAccess.WriteAsync(file, reading.Memory, total, ct);
                total += filled;
                (reading, writing) = (writing, reading);
            }
        }
        catch
        {
            // the device may still be reading a buffer: wait before it goes back to the pool
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (IOException)
            {
                // the error already on its way out is the one the caller sees
            }

            throw;
        }
        finally
        {
            AlignedBuffer.Return(reading);
            AlignedBuffer.Return(writing);
        }
    }

    /// <summary>
    /// Some filesystems accept O_DIRECT at open and refuse the write (EINVAL: alignment they do not support). The
    /// first write is therefore awaited on its own; a refusal leaves nothing written.
    /// </summary>
    private static async Task<bool> TryFirstWriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        try
        {
            await RandomAccess.WriteAsync(file, buffer, 0, ct).ConfigureAwait(false);
            return true;
        }
        catch (IOException e) when (e.HResult == NativeMethods.EInval)
        {
            // only EINVAL means "not like this": a full disk or an I/O error is the caller's error, not a reason to stop
            EndDirect(file);
            return false;
        }
    }

    /// <summary>Writes <paramref name="first"/> at offset 0 and the rest of the source after it, through the page cache.</summary>
    private static async Task<long> CopyBufferedAsync(Stream source, SafeFileHandle file, Memory<byte> first, CancellationToken ct)
    {
        await RandomAccess.WriteAsync(file, first, 0, ct).ConfigureAwait(false);
        long offset = first.Length;
        while (true)
        {
            var n = await source.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (n == 0)
            {
                return offset - first.Length;
            }

            await RandomAccess.WriteAsync(file, first[..n], offset, ct).ConfigureAwait(false);
            offset += n;
        }
    }

    private static void EndDirect(SafeFileHandle file)
    {
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            var fd = (int)file.DangerousGetHandle();
            var flags = NativeMethods.Fcntl(fd, GetFlags, 0);
            if (flags < 0 || NativeMethods.Fcntl(fd, SetFlags, flags & ~s_direct) < 0)
            {
                throw new IOException($"Cannot turn O_DIRECT off: errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }
}
