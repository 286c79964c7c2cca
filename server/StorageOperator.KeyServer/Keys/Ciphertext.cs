using System.Text.Json;

namespace StorageOperator.KeyServer.Keys;

/// <summary>
/// KES ciphertexts (<c>internal/crypto/ciphertext.go</c>). DO NOT CHANGE: MinIO stores these bytes in object metadata.
/// Current form: <c>AEAD.Seal(nonce, plaintext, aad) || iv(16) || nonce(12)</c>, 76 bytes for a 32-byte DEK.
/// Legacy forms still decrypted: JSON <c>{"aead","id","iv","nonce","bytes"}</c> and a MessagePack array of the
/// same five fields; both carry the same sealed bytes, iv and nonce.
/// </summary>
public static class Ciphertext
{
    public const int IvSize = 16;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    public static byte[] Format(ReadOnlySpan<byte> sealedWithTag, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> nonce)
    {
        var output = new byte[sealedWithTag.Length + IvSize + NonceSize];
        sealedWithTag.CopyTo(output);
        iv.CopyTo(output.AsSpan(sealedWithTag.Length));
        nonce.CopyTo(output.AsSpan(sealedWithTag.Length + IvSize));
        return output;
    }

    public static ParsedCiphertext Parse(ReadOnlySpan<byte> input)
    {
        // A binary ciphertext starts with a random byte, so '{' or 0x95 may be chance: fall back to binary.
        if (input.Length > 0 && input[0] == (byte)'{' && TryParseJson(input, out var fromJson))
        {
            return fromJson;
        }

        if (input.Length > 0 && input[0] == 0x95 && TryParseMessagePack(input, out var fromMsgPack))
        {
            return fromMsgPack;
        }

        return ParseBinary(input);
    }

    private static ParsedCiphertext ParseBinary(ReadOnlySpan<byte> input)
    {
        if (input.Length < TagSize + IvSize + NonceSize)
        {
            throw new DecryptionFailedException("ciphertext is too short");
        }

        var sealedLength = input.Length - IvSize - NonceSize;
        return new ParsedCiphertext(
            input[..sealedLength].ToArray(),
            input.Slice(sealedLength, IvSize).ToArray(),
            input.Slice(sealedLength + IvSize, NonceSize).ToArray(),
            null);
    }

    private static bool TryParseJson(ReadOnlySpan<byte> input, out ParsedCiphertext parsed)
    {
        parsed = null!;
        try
        {
            using var doc = JsonDocument.Parse(input.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("aead", out var aead) || aead.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("iv", out var iv) || !root.TryGetProperty("nonce", out var nonce)
                || !root.TryGetProperty("bytes", out var bytes))
            {
                return false;
            }

            return TryBuild(aead.GetString(), iv.GetBytesFromBase64(), nonce.GetBytesFromBase64(), bytes.GetBytesFromBase64(), out parsed);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static bool TryParseMessagePack(ReadOnlySpan<byte> input, out ParsedCiphertext parsed)
    {
        parsed = null!;
        var reader = new MessagePackReader(input.ToArray());
        if (!reader.TryReadArrayHeader(out var count) || count != 5
            || !reader.TryReadString(out var algorithm)
            || !reader.TryReadString(out _)
            || !reader.TryReadBinary(out var iv)
            || !reader.TryReadBinary(out var nonce)
            || !reader.TryReadBinary(out var bytes)
            || !reader.AtEnd)
        {
            return false;
        }

        return TryBuild(algorithm, iv, nonce, bytes, out parsed);
    }

    private static bool TryBuild(string? algorithmName, byte[] iv, byte[] nonce, byte[] bytes, out ParsedCiphertext parsed)
    {
        parsed = null!;
        if (!KeyAlgorithmNames.TryParse(algorithmName, out var algorithm)
            || iv.Length != IvSize || nonce.Length != NonceSize || bytes.Length < TagSize)
        {
            return false;
        }

        parsed = new ParsedCiphertext(bytes, iv, nonce, algorithm);
        return true;
    }
}
