using System.Buffers.Binary;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// Whether a folder's filesystem can share blocks between files (reflinks): there <c>copy_file_range</c> joins
/// multipart parts in no time and without writing; elsewhere (ext4) it copies through the page cache.
/// </summary>
internal static class Reflinks
{
    private const long XfsMagic = 0x58465342, BtrfsMagic = 0x9123683E;

    /// <summary>True for XFS and Btrfs (reflinks on XFS also need reflink=1, the default since xfsprogs 5.1).</summary>
    public static bool Likely(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[256];
        return NativeMethods.StatFs(path, buffer) == 0
            && BinaryPrimitives.ReadInt64LittleEndian(buffer) is XfsMagic or BtrfsMagic;
    }
}
