using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// Starts the kernel's writeback of a file while it is still being streamed, one window at a time, so the
/// fsync before publication only waits for the last window: a PUT then costs about max(receive, disk) rather
/// than receive + disk. It is only a hint (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c> does not wait and
/// makes nothing durable); the fsync before the rename still decides durability. Elsewhere than on Linux, or
/// on a filesystem that refuses it, it does nothing.
/// </summary>
internal sealed class Writeback(SafeFileHandle handle)
{
    /// <summary>Large enough for sequential device writes, small enough that little is left for the final fsync.</summary>
    public const long WindowBytes = 8L << 20;

    private static bool s_unavailable = !OperatingSystem.IsLinux();
    private long _started;
    private bool _refused;

    /// <summary>Bytes [0, <paramref name="end"/>) of the file have been written.</summary>
    public void Written(long end)
    {
        if (_refused || s_unavailable || end - _started < WindowBytes)
        {
            return;
        }
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            if (NativeMethods.SyncFileRange(fd, _started, end - _started, NativeMethods.SyncFileRangeWrite) == 0)
            {
                _started = end;
            }
            else
            {
                _refused = true;
            }
        }
        catch (EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
