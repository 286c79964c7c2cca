using System.Security.Cryptography;

namespace StorageOperator.S3Server.Encryption;

/// <summary>A validated SSE-C key from the request (memory only): 32 raw bytes and the base64 MD5 the client sent.</summary>
public sealed class SseCustomerKey : IDisposable
{
    private readonly byte[] _key;

    public SseCustomerKey(ReadOnlySpan<byte> key, string keyMd5)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("An SSE-C key is 32 bytes.", nameof(key));
        }

        _key = key.ToArray();
        KeyMd5 = keyMd5;
    }

    public ReadOnlyMemory<byte> Key => _key;

    /// <summary>base64(MD5(key)), echoed in responses.</summary>
    public string KeyMd5 { get; }

    /// <summary>Constant-time comparison of the keys (used to check multipart parts against each other).</summary>
    public bool SameKeyAs(SseCustomerKey other) => CryptographicOperations.FixedTimeEquals(_key, other._key);

    // The default record-like ToString would be harmless, but make sure nothing ever prints the key.
    public override string ToString() => $"SseCustomerKey {{ MD5 = {KeyMd5} }}";

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
