using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>
/// The on-disk shape of an object or part: the data bytes, then the JSON metadata, then a
/// 24-byte trailer <c>[data length: i64][metadata length: i32][crc32 of metadata: u32][magic: 8]</c>
/// (little-endian). Data and metadata live in one file so a single rename publishes both;
/// the metadata goes last because it is only known after the data has been streamed.
/// </summary>
internal static class StoredFile
{
    public const int TrailerLength = 24;

    /// <summary>Metadata beyond this is refused as corrupt (10,000 parts with checksums fit easily).</summary>
    private const int MaxMetadataLength = 64 << 20;

    public static readonly byte[] ObjectMagic = "SOOBJ001"u8.ToArray();
    public static readonly byte[] PartMagic = "SOPRT001"u8.ToArray();

    /// <summary>
    /// An object file whose data are its segments (a completed multipart upload, no data bytes in the file). Its own
    /// magic so that a build from before segments refuses it as an unknown format instead of serving it as empty.
    /// </summary>
    public static readonly byte[] SegmentedObjectMagic = "SOOBJ002"u8.ToArray();

    /// <summary>Appends metadata and trailer after <paramref name="dataLength"/> bytes already written.</summary>
    public static async Task AppendMetadataAsync(Stream target, long dataLength, byte[] metadata, byte[] magic,
        CancellationToken ct)
    {
        var trailer = new byte[TrailerLength];
        BinaryPrimitives.WriteInt64LittleEndian(trailer, dataLength);
        BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(8), metadata.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(12), Crc32.HashToUInt32(metadata));
        magic.CopyTo(trailer, 16);
        await target.WriteAsync(metadata, ct).ConfigureAwait(false);
        await target.WriteAsync(trailer, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the trailer and metadata of an open file; returns the data length and the metadata JSON.</summary>
    /// <exception cref="InvalidDataException">not a file of this kind, or damaged.</exception>
    public static (long DataLength, byte[] Metadata) Read(SafeFileHandle handle, byte[] magic) => Read(handle, magic, null);

    /// <summary>An object file of either kind (<see cref="ObjectMagic"/> or <see cref="SegmentedObjectMagic"/>).</summary>
    /// <exception cref="InvalidDataException">not an object file, or damaged.</exception>
    public static (long DataLength, byte[] Metadata) ReadObject(SafeFileHandle handle) => Read(handle, ObjectMagic, SegmentedObjectMagic);

    private static (long DataLength, byte[] Metadata) Read(SafeFileHandle handle, byte[] magic, byte[]? alternative)
    {
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < TrailerLength)
        {
            throw new InvalidDataException("Stored file too short.");
        }
        Span<byte> trailer = stackalloc byte[TrailerLength];
        ReadExactly(handle, trailer, fileLength - TrailerLength);
        if (!trailer[16..].SequenceEqual(magic) && (alternative is null || !trailer[16..].SequenceEqual(alternative)))
        {
            throw new InvalidDataException("Stored file has an unknown format.");
        }
        var dataLength = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        var metadataLength = BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer[12..]);
        if (dataLength < 0 || metadataLength is < 0 or > MaxMetadataLength
            || dataLength + metadataLength + TrailerLength != fileLength)
        {
            throw new InvalidDataException("Stored file lengths do not add up.");
        }
        var metadata = new byte[metadataLength];
        ReadExactly(handle, metadata, dataLength);
        if (Crc32.HashToUInt32(metadata) != crc)
        {
            throw new InvalidDataException("Stored metadata checksum mismatch.");
        }
        return (dataLength, metadata);
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            var n = RandomAccess.Read(handle, buffer, offset);
            if (n == 0)
            {
                throw new InvalidDataException("Stored file truncated.");
            }
            buffer = buffer[n..];
            offset += n;
        }
    }
}
