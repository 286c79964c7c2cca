using System.Runtime.InteropServices;
using System.Text;

namespace StorageOperator.KeyServer.KeyStores;

/// <summary>The two POSIX calls .NET lacks: link(2) for an exclusive publish and fsync(2) of a directory.</summary>
internal static class NativeFile
{
    private const int EEXIST = 17;

    /// <summary>Atomically makes <paramref name="target"/> name the same file; false when it already exists.</summary>
    public static bool TryLink(string existing, string target)
    {
        if (link(Utf8z(existing), Utf8z(target)) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            return false;
        }

        throw new IOException($"link failed: errno {errno}");
    }

    /// <summary>Makes a create, link or unlink in <paramref name="directory"/> survive a power cut.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = open(Utf8z(directory), 0);
        if (fd < 0)
        {
            throw new IOException($"open directory failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw new IOException($"fsync directory failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static byte[] Utf8z(string s) => [.. Encoding.UTF8.GetBytes(s), 0];

    [DllImport("libc", SetLastError = true)]
    private static extern int link(byte[] oldpath, byte[] newpath);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
