namespace StorageOperator.Crypto.Dare;

/// <summary>
/// DARE 2.0 (minio/sio) layout constants, size arithmetic and range mapping. Every value here is part of the
/// on-disk format: changing one makes stored objects unreadable.
/// </summary>
public static class DareFormat
{
    public const byte Version20 = 0x20;
    public const byte Version10 = 0x10;
    public const int HeaderSize = 16;
    public const int TagSize = 16;
    public const int MaxPayloadSize = 1 << 16;
    public const int MaxPackageSize = HeaderSize + MaxPayloadSize + TagSize;
    public const int Overhead = HeaderSize + TagSize;
    public const int KeySize = 32;
    public const int NonceSize = 12;

    /// <summary>bit 7 of header byte 4 marks the final package (it is part of the AEAD nonce).</summary>
    public const byte FinalFlag = 0x80;

    public const long MaxDecryptedSize = 1L << 48;
    public const long MaxEncryptedSize = MaxDecryptedSize + (Overhead * (1L << 32));

    /// <summary>sio <c>EncryptedSize</c>: an empty plaintext is an empty stream (no package at all).</summary>
    public static long EncryptedSize(long plainSize)
    {
        if (plainSize < 0 || plainSize > MaxDecryptedSize)
        {
            throw new ArgumentOutOfRangeException(nameof(plainSize), "The size is too large for DARE.");
        }

        var size = plainSize / MaxPayloadSize * MaxPackageSize;
        var rest = plainSize % MaxPayloadSize;
        return rest > 0 ? size + rest + Overhead : size;
    }

    /// <summary>sio <c>DecryptedSize</c>; a stored size no DARE stream can have is reported as tampering.</summary>
    public static long DecryptedSize(long cipherSize) =>
        TryDecryptedSize(cipherSize, out var plain)
            ? plain
            : throw new DareException($"{cipherSize} is not the size of a DARE 2.0 stream.");

    public static bool TryDecryptedSize(long cipherSize, out long plainSize)
    {
        plainSize = 0;
        if (cipherSize < 0 || cipherSize > MaxEncryptedSize)
        {
            return false;
        }

        var size = cipherSize / MaxPackageSize * MaxPayloadSize;
        var rest = cipherSize % MaxPackageSize;
        if (rest > 0)
        {
            if (rest <= Overhead)
            {
                return false;
            }

            size += rest - Overhead;
        }

        plainSize = size;
        return true;
    }

    /// <summary>Number of packages of a stream holding <paramref name="plainSize"/> plaintext bytes.</summary>
    public static long PackageCount(long plainSize) => (plainSize + MaxPayloadSize - 1) / MaxPayloadSize;

    /// <summary>
    /// Maps the plaintext range [offset, offset+length) of a single stream holding <paramref name="plainSize"/>
    /// bytes to the whole packages that cover it. <paramref name="length"/> must be at least 1 and the range must lie
    /// inside the plaintext (the S3 layer resolves suffix and open ranges first).
    /// </summary>
    public static DareRange MapRange(long plainSize, long offset, long length)
    {
        if (plainSize < 0 || plainSize > MaxDecryptedSize)
        {
            throw new ArgumentOutOfRangeException(nameof(plainSize));
        }

        if (offset < 0 || length < 1 || offset > plainSize - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "The range does not lie inside the plaintext.");
        }

        var firstPackage = offset / MaxPayloadSize;
        var lastPackage = (offset + length - 1) / MaxPayloadSize;
        var totalPackages = PackageCount(plainSize);
        var cipherOffset = firstPackage * MaxPackageSize;
        var cipherEnd = Math.Min((lastPackage + 1) * MaxPackageSize, EncryptedSize(plainSize));
        return new DareRange(
            FirstSequenceNumber: checked((uint)firstPackage),
            PackageCount: lastPackage - firstPackage + 1,
            CipherOffset: cipherOffset,
            CipherLength: cipherEnd - cipherOffset,
            SkipBytes: (int)(offset % MaxPayloadSize),
            PlainLength: length,
            IncludesFinalPackage: lastPackage == totalPackages - 1);
    }

    /// <summary>
    /// Maps a plaintext range of a multipart object (every part its own stream, sequence numbers restarting at 0)
    /// to the slice of each part that is needed, in part order. Parts the range does not touch are left out.
    /// </summary>
    public static IReadOnlyList<DarePartRange> MapRange(IReadOnlyList<long> partPlainSizes, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(partPlainSizes);
        var total = 0L;
        foreach (var size in partPlainSizes)
        {
            if (size < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(partPlainSizes));
            }

            total = checked(total + size);
        }

        if (offset < 0 || length < 1 || offset > total - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "The range does not lie inside the plaintext.");
        }

        var result = new List<DarePartRange>();
        var partStart = 0L;
        var end = offset + length;
        for (var i = 0; i < partPlainSizes.Count && partStart < end; i++)
        {
            var size = partPlainSizes[i];
            var partEnd = partStart + size;
            if (partEnd > offset && size > 0)
            {
                var from = Math.Max(offset, partStart) - partStart;
                var to = Math.Min(end, partEnd) - partStart;
                result.Add(new DarePartRange(i, MapRange(size, from, to - from)));
            }

            partStart = partEnd;
        }

        return result;
    }
}
