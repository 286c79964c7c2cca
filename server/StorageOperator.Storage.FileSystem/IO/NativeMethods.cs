using System.Runtime.InteropServices;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>.NET cannot open a directory as a file, so fsync of a directory needs libc.</summary>
internal static partial class NativeMethods
{
    // O_RDONLY | O_CLOEXEC; both have the same value on Linux x64 and arm64.
    public const int OpenReadOnlyCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
