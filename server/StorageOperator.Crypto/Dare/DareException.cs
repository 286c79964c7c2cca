namespace StorageOperator.Crypto.Dare;

/// <summary>
/// The ciphertext is not an authentic DARE 2.0 stream for the key (tampered, reordered, truncated, extended, or
/// simply the wrong key). Callers map it to "object tampered"; no plaintext of the failing package is ever returned.
/// </summary>
public sealed class DareException : Exception
{
    public DareException(string message)
        : base(message)
    {
    }

    public DareException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
