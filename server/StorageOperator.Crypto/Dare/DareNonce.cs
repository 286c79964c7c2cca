using System.Buffers.Binary;

namespace StorageOperator.Crypto.Dare;

internal static class DareNonce
{
    /// <summary>
    /// The AEAD nonce of a package: header bytes 4..15 (final flag included) with bytes 8..11 of that, read as a
    /// little-endian uint32, XORed with the sequence number. The sequence number itself is never stored.
    /// </summary>
    public static void ForPackage(ReadOnlySpan<byte> header, uint sequence, Span<byte> nonce)
    {
        header.Slice(4, DareFormat.NonceSize).CopyTo(nonce);
        var counter = BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]) ^ sequence;
        BinaryPrimitives.WriteUInt32LittleEndian(nonce[8..], counter);
    }
}
