using System.Text.Json;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// A KES/MinIO data-key ciphertext taken apart. Current format (binary): <c>sealed || iv(16) || nonce(12)</c>,
/// where sealed = AEAD ciphertext + 16-byte tag. Legacy JSON (<c>{"aead","id","iv","nonce","bytes"}</c>) and
/// MessagePack (array of 5) forms are still read; they also name the algorithm.
/// </summary>
/// <param name="Sealed">AEAD ciphertext followed by the tag.</param>
/// <param name="DeclaredAlgorithm">algorithm named by a legacy format; null for the binary form.</param>
public sealed record KmsCiphertext(byte[] Sealed, byte[] Iv, byte[] Nonce, KmsKeyAlgorithm? DeclaredAlgorithm)
{
    public const int IvSize = 16;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    /// <summary>Serialises the current binary form.</summary>
    public byte[] ToBinary() => [.. Sealed, .. Iv, .. Nonce];

    /// <summary>Parses any of the three forms; null when the bytes cannot be a ciphertext at all.</summary>
    public static KmsCiphertext? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0 && bytes[0] == (byte)'{' && TryParseJson(bytes, out var json))
        {
            return json;
        }

        if (bytes.Length > 0 && bytes[0] == 0x95 && TryParseMessagePack(bytes, out var msgpack))
        {
            return msgpack;
        }

        if (bytes.Length < IvSize + NonceSize + TagSize)
        {
            return null;
        }

        var sealedLength = bytes.Length - IvSize - NonceSize;
        return new KmsCiphertext(
            bytes[..sealedLength].ToArray(),
            bytes.Slice(sealedLength, IvSize).ToArray(),
            bytes[(sealedLength + IvSize)..].ToArray(),
            null);
    }

    private static bool TryParseJson(ReadOnlySpan<byte> bytes, out KmsCiphertext? result)
    {
        result = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var algorithm = root.TryGetProperty("aead", out var aead) ? aead.GetString() : null;
            KmsKeyAlgorithm declared;
            if (algorithm == "AES-256-GCM-HMAC-SHA-256")
            {
                declared = KmsKeyAlgorithm.Aes256;
            }
            else if (algorithm == "ChaCha20Poly1305")
            {
                declared = KmsKeyAlgorithm.ChaCha20;
            }
            else
            {
                return false;
            }

            var iv = root.GetProperty("iv").GetBytesFromBase64();
            var nonce = root.GetProperty("nonce").GetBytesFromBase64();
            var sealedBytes = root.GetProperty("bytes").GetBytesFromBase64();
            if (iv.Length != IvSize || nonce.Length != NonceSize || sealedBytes.Length < TagSize)
            {
                return false;
            }

            result = new KmsCiphertext(sealedBytes, iv, nonce, declared);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            return false;
        }
    }

    private static bool TryParseMessagePack(ReadOnlySpan<byte> bytes, out KmsCiphertext? result)
    {
        result = null;
        var rest = bytes[1..];
        if (!TryReadString(ref rest, out var algorithm) || !TryReadString(ref rest, out _)
            || !TryReadBinary(ref rest, out var iv) || iv.Length != IvSize
            || !TryReadBinary(ref rest, out var nonce) || nonce.Length != NonceSize
            || !TryReadBinary(ref rest, out var sealedBytes) || sealedBytes.Length < TagSize
            || !rest.IsEmpty)
        {
            return false;
        }

        KmsKeyAlgorithm declared;
        switch (algorithm)
        {
            case "AES256" or "AES256-GCM_SHA256":
                declared = KmsKeyAlgorithm.Aes256;
                break;
            case "ChaCha20" or "XCHACHA20-POLY1305":
                declared = KmsKeyAlgorithm.ChaCha20;
                break;
            default:
                return false;
        }

        result = new KmsCiphertext(sealedBytes, iv, nonce, declared);
        return true;
    }

    private static bool TryReadString(ref ReadOnlySpan<byte> rest, out string value)
    {
        value = string.Empty;
        if (rest.IsEmpty)
        {
            return false;
        }

        int length, header;
        var marker = rest[0];
        if (marker is >= 0xa0 and <= 0xbf)
        {
            (length, header) = (marker & 0x1f, 1);
        }
        else if (marker == 0xd9 && rest.Length >= 2)
        {
            (length, header) = (rest[1], 2);
        }
        else if (marker == 0xda && rest.Length >= 3)
        {
            (length, header) = ((rest[1] << 8) | rest[2], 3);
        }
        else
        {
            return false;
        }

        if (rest.Length < header + length)
        {
            return false;
        }

        value = System.Text.Encoding.UTF8.GetString(rest.Slice(header, length));
        rest = rest[(header + length)..];
        return true;
    }

    private static bool TryReadBinary(ref ReadOnlySpan<byte> rest, out byte[] value)
    {
        value = [];
        if (rest.IsEmpty)
        {
            return false;
        }

        int length, header;
        var marker = rest[0];
        if (marker == 0xc4 && rest.Length >= 2)
        {
            (length, header) = (rest[1], 2);
        }
        else if (marker == 0xc5 && rest.Length >= 3)
        {
            (length, header) = ((rest[1] << 8) | rest[2], 3);
        }
        else
        {
            return false;
        }

        if (rest.Length < header + length)
        {
            return false;
        }

        value = rest.Slice(header, length).ToArray();
        rest = rest[(header + length)..];
        return true;
    }
}
