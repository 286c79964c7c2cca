using System.Runtime.InteropServices;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>Crash-safe file-system steps: fsync of files and directories, directory creation, clean-up.</summary>
internal static class Durable
{
    /// <summary>
    /// Makes a rename or unlink inside <paramref name="directory"/> durable. Without it a power
    /// loss after an acknowledged PUT can bring back the old directory entry.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return; // Windows: NTFS journals metadata; directories cannot be flushed from user mode.
        }
        var fd = NativeMethods.Open(directory, NativeMethods.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == 2)
            {
                throw new DirectoryNotFoundException($"Directory vanished before fsync: {directory}");
            }
            throw new IOException($"open({directory}) for fsync failed: errno {errno}");
        }
        try
        {
            if (NativeMethods.FSync(fd) != 0)
            {
                throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and any missing parents below <paramref name="root"/>
    /// (which must exist), syncing each parent that gained an entry.
    /// </summary>
    public static void EnsureDirectory(string root, string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }
        var missing = new Stack<string>();
        for (var d = directory; !string.Equals(d, root, StringComparison.Ordinal) && !Directory.Exists(d);
             d = Path.GetDirectoryName(d)!)
        {
            missing.Push(d);
        }
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(root);
        }
        foreach (var d in missing)
        {
            Directory.CreateDirectory(d);
            SyncDirectory(Path.GetDirectoryName(d)!);
        }
    }

    /// <summary>Writes a small file completely and fsyncs it (used for temp files before their rename).</summary>
    public static void WriteNewFile(string path, ReadOnlySpan<byte> content)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        fs.Write(content);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>Renames <paramref name="source"/> over <paramref name="target"/> and syncs the target's directory.</summary>
    public static void Publish(string source, string target)
    {
        File.Move(source, target, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(target)!);
    }

    public static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: anything left in tmp/ is removed at the next start-up
        }
    }

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: anything left in tmp/ is removed at the next start-up
        }
    }

    /// <summary>Removes now-empty directories from <paramref name="directory"/> up to (not including) <paramref name="root"/>.</summary>
    public static void PruneEmptyDirectories(string root, string directory)
    {
        for (var d = directory; d.Length > root.Length && d.StartsWith(root, StringComparison.Ordinal);
             d = Path.GetDirectoryName(d)!)
        {
            try
            {
                Directory.Delete(d, recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // not empty (or gone): a concurrent writer owns it now
            }
        }
    }
}
