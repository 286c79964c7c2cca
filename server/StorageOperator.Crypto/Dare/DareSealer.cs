using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StorageOperator.Crypto.Dare;

/// <summary>Writes DARE 2.0 packages of one stream (sio <c>authEncV20</c>).</summary>
internal sealed class DareSealer : IDisposable
{
    private readonly DareAead _aead;
    private readonly DareCipherSuite _suite;
    private readonly byte[] _streamNonce = new byte[DareFormat.NonceSize];
    private uint _sequence;
    private bool _finalized;

    public DareSealer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, uint firstSequenceNumber, DareCipherSuite suite)
    {
        if (!Enum.IsDefined(suite))
        {
            throw new ArgumentOutOfRangeException(nameof(suite));
        }

        if (nonce.IsEmpty)
        {
            RandomNumberGenerator.Fill(_streamNonce);
        }
        else if (nonce.Length == DareFormat.NonceSize)
        {
            nonce.CopyTo(_streamNonce);
        }
        else
        {
            throw new ArgumentException("A DARE 2.0 stream nonce is 12 bytes.", nameof(nonce));
        }

        _aead = new DareAead(key);
        _suite = suite;
        _sequence = firstSequenceNumber;
    }

    /// <summary>Seals one package into <paramref name="destination"/> and returns its length.</summary>
    public int Seal(ReadOnlySpan<byte> payload, bool final, Span<byte> destination)
    {
        if (_finalized)
        {
            throw new InvalidOperationException("No DARE package may follow the final one.");
        }

        if (payload.IsEmpty || payload.Length > DareFormat.MaxPayloadSize)
        {
            throw new ArgumentOutOfRangeException(nameof(payload));
        }

        _finalized = final;
        var header = destination[..DareFormat.HeaderSize];
        header[0] = DareFormat.Version20;
        header[1] = (byte)_suite;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..4], (ushort)(payload.Length - 1));
        _streamNonce.CopyTo(header[4..]);
        header[4] = final ? (byte)(header[4] | DareFormat.FinalFlag) : (byte)(header[4] & ~DareFormat.FinalFlag);

        Span<byte> nonce = stackalloc byte[DareFormat.NonceSize];
        DareNonce.ForPackage(header, _sequence, nonce);
        var ciphertext = destination.Slice(DareFormat.HeaderSize, payload.Length);
        var tag = destination.Slice(DareFormat.HeaderSize + payload.Length, DareFormat.TagSize);
        _aead.Seal(_suite, nonce, payload, ciphertext, tag, header[..4]);

        if (!final && _sequence == uint.MaxValue)
        {
            throw new InvalidOperationException("The DARE stream is too long.");
        }

        _sequence++;
        return payload.Length + DareFormat.Overhead;
    }

    public void Dispose() => _aead.Dispose();
}
