using System.Security.Cryptography;

namespace StorageOperator.Crypto.Dare;

/// <summary>The two AEADs of DARE under one 256-bit key, created on first use.</summary>
internal sealed class DareAead : IDisposable
{
    private readonly byte[] _key;
    private AesGcm? _aes;
    private ChaCha20Poly1305? _chacha;

    public DareAead(ReadOnlySpan<byte> key)
    {
        if (key.Length != DareFormat.KeySize)
        {
            throw new ArgumentException("A DARE key is 32 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    public void Seal(
        DareCipherSuite suite, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (suite == DareCipherSuite.AesGcm)
        {
            Aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }
        else
        {
            ChaCha.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        }
    }

    public bool TryOpen(
        DareCipherSuite suite, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        try
        {
            if (suite == DareCipherSuite.AesGcm)
            {
                Aes.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            }
            else
            {
                ChaCha.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // .NET already zeroed the output; nothing unauthenticated escapes.
            return false;
        }
    }

    private AesGcm Aes => _aes ??= new AesGcm(_key, DareFormat.TagSize);

    private ChaCha20Poly1305 ChaCha => _chacha ??= ChaCha20Poly1305.IsSupported
        ? new ChaCha20Poly1305(_key)
        : throw new DareException("ChaCha20-Poly1305 is not supported on this platform.");

    public void Dispose()
    {
        _aes?.Dispose();
        _chacha?.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }
}
