using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// A multipart object's segment folder, held open while the object is read. On Linux the segment files are opened
/// relative to the open folder (openat), not through its path: an overwrite or delete of the object moves the folder
/// to the trash, and a reader that started before keeps finding the remaining segments there until the trash is
/// purged — and the trash never purges a folder a reader holds: readers take a shared flock on the folder, the purge
/// an exclusive one without waiting (<see cref="TryLockExclusive"/>). Elsewhere the path is used (a reader then loses
/// the segments it had not reached when the folder moves).
/// </summary>
internal sealed class SegmentFolder : IDisposable
{
    private const int ENoEnt = 2, ENotDir = 20;

    private readonly SafeFileHandle? _folder;
    private readonly string _path;

    private SegmentFolder(SafeFileHandle? folder, string path)
    {
        _folder = folder;
        _path = path;
    }

    /// <summary>Opens the folder; null when it does not exist.</summary>
    public static SegmentFolder? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Directory.Exists(path) ? new SegmentFolder(null, path) : null;
        }
        var fd = NativeMethods.Open(path, NativeMethods.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENoEnt or ENotDir ? null : throw new IOException($"open({path}) failed: errno {errno}");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (NativeMethods.Flock(fd, NativeMethods.LockShared | NativeMethods.LockNonBlocking) != 0)
        {
            // the trash is deleting it this moment: as good as gone
            handle.Dispose();
            return null;
        }
        return new SegmentFolder(handle, path);
    }

    /// <summary>
    /// Opens <paramref name="path"/> locked exclusively if no reader holds it (the trash deletes it under this lock);
    /// null when a reader does, or it is gone. Elsewhere than on Linux always a lock-free handle.
    /// </summary>
    public static SafeFileHandle? TryLockExclusive(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new SafeFileHandle(IntPtr.Zero, ownsHandle: false);
        }
        var fd = NativeMethods.Open(path, NativeMethods.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return null;
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (NativeMethods.Flock(fd, NativeMethods.LockExclusive | NativeMethods.LockNonBlocking) != 0)
        {
            handle.Dispose();
            return null;
        }
        return handle;
    }

    /// <summary>Opens file <paramref name="name"/> of the folder for reading; null when it does not exist.</summary>
    public SafeFileHandle? TryOpenFile(string name)
    {
        if (_folder is null)
        {
            try
            {
                return File.OpenHandle(Path.Combine(_path, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        }

        var added = false;
        try
        {
            _folder.DangerousAddRef(ref added);
            var fd = NativeMethods.OpenAt((int)_folder.DangerousGetHandle(), name, NativeMethods.OpenReadOnlyCloseOnExec);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == ENoEnt
                    ? null
                    : throw new IOException(string.Create(CultureInfo.InvariantCulture, $"openat({_path}, {name}) failed: errno {errno}"));
            }
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            if (added)
            {
                _folder.DangerousRelease();
            }
        }
    }

    public override string ToString() => _path;

    public void Dispose() => _folder?.Dispose();
}
