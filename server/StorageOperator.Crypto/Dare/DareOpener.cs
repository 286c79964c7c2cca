using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StorageOperator.Crypto.Dare;

/// <summary>Verifies and decrypts the DARE 2.0 packages of one stream in order (sio <c>authDecV20</c>).</summary>
internal sealed class DareOpener : IDisposable
{
    private readonly DareAead _aead;
    private readonly byte[] _referenceHeader = new byte[DareFormat.HeaderSize];
    private bool _haveReference;
    private uint _sequence;
    private bool _finalSeen;

    public DareOpener(ReadOnlySpan<byte> key, uint firstSequenceNumber)
    {
        _aead = new DareAead(key);
        _sequence = firstSequenceNumber;
    }

    public uint NextSequenceNumber => _sequence;

    /// <summary>
    /// Authenticates the whole package (exactly one package, nothing more) and only then writes its plaintext.
    /// Returns the plaintext length.
    /// </summary>
    public int Open(ReadOnlySpan<byte> package, Span<byte> plaintext, out bool final)
    {
        if (_finalSeen)
        {
            throw new DareException("Unexpected data after the final DARE package.");
        }

        if (package.Length <= DareFormat.Overhead)
        {
            throw new DareException("Invalid DARE package size (truncated stream).");
        }

        var header = package[..DareFormat.HeaderSize];
        if (!_haveReference)
        {
            header.CopyTo(_referenceHeader);
            _haveReference = true;
        }

        if (header[0] != DareFormat.Version20)
        {
            throw new DareException(header[0] == DareFormat.Version10
                ? "DARE 1.0 packages are not supported."
                : "Unsupported DARE version.");
        }

        var suite = header[1];
        if (suite > (byte)DareCipherSuite.ChaCha20Poly1305 || suite != _referenceHeader[1])
        {
            throw new DareException("Unsupported or changed DARE cipher suite.");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(header[2..4]) + 1;
        if (DareFormat.Overhead + length != package.Length)
        {
            throw new DareException("Invalid DARE package size.");
        }

        final = (header[4] & DareFormat.FinalFlag) != 0;
        if (!final && length != DareFormat.MaxPayloadSize)
        {
            throw new DareException("Invalid DARE package size (short package that is not final).");
        }

        Span<byte> expectedNonce = stackalloc byte[DareFormat.NonceSize];
        _referenceHeader.AsSpan(4).CopyTo(expectedNonce);
        expectedNonce[0] = final ? (byte)(expectedNonce[0] | DareFormat.FinalFlag) : (byte)(expectedNonce[0] & ~DareFormat.FinalFlag);
        if (!CryptographicOperations.FixedTimeEquals(header[4..], expectedNonce))
        {
            throw new DareException("DARE header nonce mismatch.");
        }

        Span<byte> nonce = stackalloc byte[DareFormat.NonceSize];
        DareNonce.ForPackage(header, _sequence, nonce);
        var ciphertext = package.Slice(DareFormat.HeaderSize, length);
        var tag = package.Slice(DareFormat.HeaderSize + length, DareFormat.TagSize);
        if (!_aead.TryOpen((DareCipherSuite)suite, nonce, ciphertext, tag, plaintext[..length], header[..4]))
        {
            throw new DareException("DARE package authentication failed.");
        }

        if (final)
        {
            _finalSeen = true;
        }
        else if (_sequence == uint.MaxValue)
        {
            throw new DareException("The DARE stream is too long.");
        }

        _sequence++;
        return length;
    }

    public void Dispose() => _aead.Dispose();
}
