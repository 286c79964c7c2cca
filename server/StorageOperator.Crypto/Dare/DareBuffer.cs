namespace StorageOperator.Crypto.Dare;

/// <summary>
/// One-shot DARE 2.0 for small values held in memory: sealed object keys (32 → 64 bytes) and sealed ETags
/// (16 → 48 bytes). Same format as the streams.
/// </summary>
public static class DareBuffer
{
    public static byte[] Encrypt(
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> nonce = default, DareCipherSuite suite = DareCipherSuite.AesGcm)
    {
        var result = new byte[DareFormat.EncryptedSize(plaintext.Length)];
        using var sealer = new DareSealer(key, nonce, 0, suite);
        var written = 0;
        while (!plaintext.IsEmpty)
        {
            var n = Math.Min(plaintext.Length, DareFormat.MaxPayloadSize);
            written += sealer.Seal(plaintext[..n], final: n == plaintext.Length, result.AsSpan(written));
            plaintext = plaintext[n..];
        }

        return result;
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext)
    {
        var result = new byte[DareFormat.DecryptedSize(ciphertext.Length)];
        using var opener = new DareOpener(key, 0);
        var written = 0;
        var final = false;
        while (!ciphertext.IsEmpty)
        {
            var n = Math.Min(ciphertext.Length, DareFormat.MaxPackageSize);
            written += opener.Open(ciphertext[..n], result.AsSpan(written), out final);
            ciphertext = ciphertext[n..];
        }

        if (!final && result.Length > 0)
        {
            throw new DareException("Unexpected end of the DARE stream: the final package is missing.");
        }

        return result;
    }
}
