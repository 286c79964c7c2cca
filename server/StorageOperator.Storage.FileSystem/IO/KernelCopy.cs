using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// File-to-file copies inside the kernel (<c>copy_file_range(2)</c>): no bytes pass through user space, and
/// filesystems with reflinks (XFS, Btrfs) share the blocks instead of copying them. Linux only; callers copy
/// whatever this did not with plain reads and writes.
/// </summary>
internal static class KernelCopy
{
    /// <summary>Bounds how long one call blocks its thread, and lets writeback start between calls.</summary>
    private const long ChunkBytes = 16L << 20;

    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>
    /// Copies bytes [0, <paramref name="length"/>) of <paramref name="source"/> to <paramref name="target"/> at
    /// <paramref name="targetOffset"/>; returns how many were copied (fewer, down to 0, where the kernel cannot).
    /// </summary>
    /// <exception cref="IOException">a real I/O error (e.g. the disk is full).</exception>
    /// <exception cref="InvalidDataException">the source is shorter than <paramref name="length"/>.</exception>
    public static long TryCopy(SafeFileHandle source, long length, SafeFileHandle target, long targetOffset,
        Writeback? writeback, CancellationToken ct)
    {
        if (s_unavailable || length == 0)
        {
            return 0;
        }
        bool sourceAdded = false, targetAdded = false;
        long sourceOffset = 0, outOffset = targetOffset;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            target.DangerousAddRef(ref targetAdded);
            var inFd = (int)source.DangerousGetHandle();
            var outFd = (int)target.DangerousGetHandle();
            while (sourceOffset < length)
            {
                ct.ThrowIfCancellationRequested();
                var want = (nuint)Math.Min(ChunkBytes, length - sourceOffset);
                var n = NativeMethods.CopyFileRange(inFd, ref sourceOffset, outFd, ref outOffset, want, 0);
                if (n > 0)
                {
                    writeback?.Written(outOffset);
                    continue;
                }
                if (n == 0)
                {
                    throw new InvalidDataException("File shorter than its recorded length.");
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == NativeMethods.EIntr)
                {
                    continue;
                }
                if (IsUnsupported(errno))
                {
                    return sourceOffset; // the caller copies the rest itself
                }
                throw new IOException($"copy_file_range failed: errno {errno}");
            }
            return sourceOffset;
        }
        catch (EntryPointNotFoundException)
        {
            s_unavailable = true; // an old libc
            return sourceOffset;
        }
        finally
        {
            if (sourceAdded)
            {
                source.DangerousRelease();
            }
            if (targetAdded)
            {
                target.DangerousRelease();
            }
        }
    }

    // ENOSYS (old kernel), EXDEV (across filesystems on old kernels), EINVAL/EOPNOTSUPP (filesystem without
    // support), EBADF (e.g. a special file): fall back to reads and writes.
    private static bool IsUnsupported(int errno) => errno is 38 or 18 or 22 or 95 or 9;
}
