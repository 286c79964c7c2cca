using System.Security.Cryptography;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// A KES-compatible master key (KES <c>internal/crypto</c> SecretKey, MinIO's static key): wraps data keys as
/// <c>AEAD(sealKey).Seal(nonce, plaintext, aad) || iv || nonce</c> with <c>sealKey = HMAC-SHA256(key, iv)</c>
/// (AES256, AES-256-GCM) or <c>HChaCha20(key, iv)</c> (ChaCha20, ChaCha20-Poly1305). Shared by the static-key KMS
/// and the key server.
/// </summary>
public sealed class KmsSecretKey : IDisposable
{
    public const int KeySize = 32;

    private readonly byte[] _key;

    public KmsSecretKey(ReadOnlySpan<byte> key, KmsKeyAlgorithm algorithm = KmsKeyAlgorithm.Aes256)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("A KMS secret key is 32 bytes.", nameof(key));
        }

        if (!Enum.IsDefined(algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm));
        }

        _key = key.ToArray();
        Algorithm = algorithm;
    }

    public KmsKeyAlgorithm Algorithm { get; }

    /// <summary>Wraps <paramref name="plaintext"/> in the current binary format, with fresh random iv and nonce.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        Encrypt(plaintext, associatedData, RandomNumberGenerator.GetBytes(KmsCiphertext.IvSize + KmsCiphertext.NonceSize));

    /// <summary>As <see cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with given randomness (known-answer tests).</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ivAndNonce)
    {
        if (ivAndNonce.Length != KmsCiphertext.IvSize + KmsCiphertext.NonceSize)
        {
            throw new ArgumentException("28 random bytes are needed.", nameof(ivAndNonce));
        }

        var iv = ivAndNonce[..KmsCiphertext.IvSize];
        var nonce = ivAndNonce[KmsCiphertext.IvSize..];
        var result = new byte[plaintext.Length + KmsCiphertext.TagSize + ivAndNonce.Length];
        var sealKey = SealKey(Algorithm, iv);
        try
        {
            var ciphertext = result.AsSpan(0, plaintext.Length);
            var tag = result.AsSpan(plaintext.Length, KmsCiphertext.TagSize);
            if (Algorithm == KmsKeyAlgorithm.Aes256)
            {
                using var aead = new AesGcm(sealKey, KmsCiphertext.TagSize);
                aead.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            }
            else
            {
                using var aead = new ChaCha20Poly1305(sealKey);
                aead.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealKey);
        }

        ivAndNonce.CopyTo(result.AsSpan(plaintext.Length + KmsCiphertext.TagSize));
        return result;
    }

    /// <summary>
    /// Unwraps any ciphertext form. KES decides the cipher by the key (<paramref name="trustDeclaredAlgorithm"/> =
    /// false); MinIO's static key by what a legacy ciphertext declares (true).
    /// </summary>
    /// <exception cref="KmsException"><see cref="KmsErrorKind.DecryptionFailed"/>.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, bool trustDeclaredAlgorithm = false)
    {
        var parsed = KmsCiphertext.Parse(ciphertext)
            ?? throw new KmsException(KmsErrorKind.DecryptionFailed, "decryption failed: ciphertext is not authentic");
        var algorithm = trustDeclaredAlgorithm ? parsed.DeclaredAlgorithm ?? KmsKeyAlgorithm.Aes256 : Algorithm;
        var length = parsed.Sealed.Length - KmsCiphertext.TagSize;
        var plaintext = new byte[length];
        var sealKey = SealKey(algorithm, parsed.Iv);
        try
        {
            var data = parsed.Sealed.AsSpan(0, length);
            var tag = parsed.Sealed.AsSpan(length);
            if (algorithm == KmsKeyAlgorithm.Aes256)
            {
                using var aead = new AesGcm(sealKey, KmsCiphertext.TagSize);
                aead.Decrypt(parsed.Nonce, data, tag, plaintext, associatedData);
            }
            else
            {
                using var aead = new ChaCha20Poly1305(sealKey);
                aead.Decrypt(parsed.Nonce, data, tag, plaintext, associatedData);
            }

            return plaintext;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new KmsException(KmsErrorKind.DecryptionFailed, "decryption failed: ciphertext is not authentic", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealKey);
        }
    }

    private byte[] SealKey(KmsKeyAlgorithm algorithm, ReadOnlySpan<byte> iv) =>
        algorithm == KmsKeyAlgorithm.Aes256 ? HMACSHA256.HashData(_key, iv) : HChaCha20.DeriveKey(_key, iv);

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
