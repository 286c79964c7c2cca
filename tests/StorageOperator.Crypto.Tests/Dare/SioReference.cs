using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StorageOperator.Crypto.Tests.Dare;

/// <summary>
/// A deliberately naive DARE 2.0 encoder written straight from minio/sio (dare.go <c>authEncV20.seal</c>,
/// reader-v2.go <c>encReaderV20</c>), independent of the production code, to cross-check its byte layout.
/// </summary>
internal static class SioReference
{
    public static byte[] Encrypt(byte[] key, byte[] streamNonce, byte[] plaintext, byte cipher = 0x00, uint firstSequence = 0)
    {
        using var output = new MemoryStream();
        var sequence = firstSequence;
        for (var offset = 0; offset < plaintext.Length; offset += 65536)
        {
            var payload = plaintext.AsSpan(offset, Math.Min(65536, plaintext.Length - offset));
            var final = offset + payload.Length == plaintext.Length;
            var header = new byte[16];
            header[0] = 0x20;
            header[1] = cipher;
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), (ushort)(payload.Length - 1));
            streamNonce.CopyTo(header, 4);
            header[4] = final ? (byte)(header[4] | 0x80) : (byte)(header[4] & 0x7F);

            var nonce = header[4..16];
            var counter = BinaryPrimitives.ReadUInt32LittleEndian(nonce.AsSpan(8)) ^ sequence;
            BinaryPrimitives.WriteUInt32LittleEndian(nonce.AsSpan(8), counter);

            var ciphertext = new byte[payload.Length];
            var tag = new byte[16];
            if (cipher == 0x00)
            {
                using var aead = new AesGcm(key, 16);
                aead.Encrypt(nonce, payload, ciphertext, tag, header.AsSpan(0, 4));
            }
            else
            {
                using var aead = new ChaCha20Poly1305(key);
                aead.Encrypt(nonce, payload, ciphertext, tag, header.AsSpan(0, 4));
            }

            output.Write(header);
            output.Write(ciphertext);
            output.Write(tag);
            sequence++;
        }

        return output.ToArray();
    }
}
