using System.Runtime.InteropServices;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// libc calls .NET does not expose: fsync of a directory (.NET cannot open one as a file), early writeback
/// (sync_file_range), files opened relative to an open folder (openat) and O_DIRECT files (open with flags and a mode, fcntl).
/// Linux x64/arm64 only; callers check the OS.
/// </summary>
internal static partial class NativeMethods
{
    // O_RDONLY | O_CLOEXEC; both have the same value on Linux x64 and arm64.
    public const int OpenReadOnlyCloseOnExec = 0x80000;

    public const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start writeback, do not wait

    public const int EIntr = 4;

    public const int EInval = 22;

    /// <summary>O_DIRECT, whose value differs between architectures; 0 where this code does not know it.</summary>
    public static readonly int ODirect = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x4000,
        Architecture.Arm64 => 0x10000,
        _ => 0,
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int OpenAt(int directoryFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int OpenWithMode(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    public const int LockShared = 1, LockExclusive = 2, LockNonBlocking = 4;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // off64_t is 64-bit on every 64-bit Linux ABI.
    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    public static partial int SyncFileRange(int fd, long offset, long count, uint flags);
}
