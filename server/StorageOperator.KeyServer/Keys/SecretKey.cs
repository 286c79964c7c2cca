using System.Security.Cryptography;

namespace StorageOperator.KeyServer.Keys;

/// <summary>
/// A KES master key: 32 bytes of key material, its AEAD, an optional HMAC key and who made it when.
/// Seals with a fresh per-ciphertext key derived from a random 16-byte iv, exactly as KES
/// (<c>internal/crypto/key.go</c>), so ciphertexts move between this server and KES.
/// </summary>
public sealed class SecretKey
{
    public const int KeySize = 32;

    public SecretKey(byte[] material, KeyAlgorithm algorithm, byte[]? hmacKey, DateTimeOffset createdAt, string createdBy)
    {
        if (material.Length != KeySize)
        {
            throw new ArgumentException("A key must be 32 bytes.", nameof(material));
        }

        if (hmacKey is not null && hmacKey.Length != KeySize)
        {
            throw new ArgumentException("An HMAC key must be 32 bytes.", nameof(hmacKey));
        }

        Material = material;
        Algorithm = algorithm;
        HmacKey = hmacKey;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
    }

    public byte[] Material { get; }

    public KeyAlgorithm Algorithm { get; }

    public byte[]? HmacKey { get; }

    public DateTimeOffset CreatedAt { get; }

    public string CreatedBy { get; }

    public static SecretKey Generate(KeyAlgorithm algorithm, string createdBy, DateTimeOffset now) =>
        new(RandomNumberGenerator.GetBytes(KeySize), algorithm, RandomNumberGenerator.GetBytes(KeySize), now, createdBy);

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> random = stackalloc byte[Ciphertext.IvSize + Ciphertext.NonceSize];
        RandomNumberGenerator.Fill(random);
        return EncryptWith(plaintext, associatedData, random[..Ciphertext.IvSize], random[Ciphertext.IvSize..]);
    }

    /// <summary>Deterministic given iv and nonce: only for known-answer tests.</summary>
    internal byte[] EncryptWith(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> nonce)
    {
        var sealedBytes = new byte[plaintext.Length + Ciphertext.TagSize];
        var sealingKey = DeriveSealingKey(Algorithm, iv);
        try
        {
            Seal(Algorithm, sealingKey, nonce, plaintext, associatedData, sealedBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealingKey);
        }

        return Ciphertext.Format(sealedBytes, iv, nonce);
    }

    /// <exception cref="DecryptionFailedException">Malformed, tampered, or a different key or context.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData)
    {
        var parsed = Ciphertext.Parse(ciphertext);
        if (parsed.Algorithm is { } recorded && recorded != Algorithm)
        {
            throw new DecryptionFailedException("ciphertext was made with another algorithm");
        }

        var plaintext = new byte[parsed.Sealed.Length - Ciphertext.TagSize];
        var sealingKey = DeriveSealingKey(Algorithm, parsed.Iv);
        try
        {
            Open(Algorithm, sealingKey, parsed.Nonce, parsed.Sealed, associatedData, plaintext);
            return plaintext;
        }
        catch (CryptographicException)
        {
            throw new DecryptionFailedException("ciphertext is not authentic");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealingKey);
        }
    }

    public byte[] ComputeHmac(ReadOnlySpan<byte> message) =>
        HmacKey is null
            ? throw new InvalidOperationException("This key has no HMAC key.")
            : HMACSHA256.HashData(HmacKey, message);

    private byte[] DeriveSealingKey(KeyAlgorithm algorithm, ReadOnlySpan<byte> iv) => algorithm switch
    {
        KeyAlgorithm.Aes256 => HMACSHA256.HashData(Material, iv),
        KeyAlgorithm.ChaCha20 => StorageOperator.Crypto.Kms.HChaCha20.DeriveKey(Material, iv),
        _ => throw new InvalidOperationException("Unknown algorithm."),
    };

    private static void Seal(KeyAlgorithm algorithm, byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad, Span<byte> output)
    {
        var body = output[..plaintext.Length];
        var tag = output[plaintext.Length..];
        if (algorithm == KeyAlgorithm.Aes256)
        {
            using var aes = new AesGcm(key, Ciphertext.TagSize);
            aes.Encrypt(nonce, plaintext, body, tag, aad);
        }
        else
        {
            using var chacha = new ChaCha20Poly1305(key);
            chacha.Encrypt(nonce, plaintext, body, tag, aad);
        }
    }

    private static void Open(KeyAlgorithm algorithm, byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> aad, Span<byte> plaintext)
    {
        var body = sealedBytes[..^Ciphertext.TagSize];
        var tag = sealedBytes[^Ciphertext.TagSize..];
        if (algorithm == KeyAlgorithm.Aes256)
        {
            using var aes = new AesGcm(key, Ciphertext.TagSize);
            aes.Decrypt(nonce, body, tag, plaintext, aad);
        }
        else
        {
            using var chacha = new ChaCha20Poly1305(key);
            chacha.Decrypt(nonce, body, tag, plaintext, aad);
        }
    }
}
