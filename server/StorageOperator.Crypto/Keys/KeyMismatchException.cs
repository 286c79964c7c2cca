using System.Security.Cryptography;

namespace StorageOperator.Crypto.Keys;

/// <summary>
/// A sealed key (or sealed ETag) did not open with the external key, domain and object path given: the wrong SSE-C
/// key, a different object, or tampered metadata (MinIO <c>ErrSecretKeyMismatch</c>; S3 answers 403).
/// </summary>
public sealed class KeyMismatchException : CryptographicException
{
    public KeyMismatchException(string message)
        : base(message)
    {
    }

    public KeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
