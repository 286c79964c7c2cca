namespace StorageOperator.Crypto.Kms;

/// <summary>A KMS operation failed; <see cref="Kind"/> decides the S3 error. Messages never contain key material.</summary>
public sealed class KmsException : Exception
{
    public KmsException(KmsErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public KmsException(KmsErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public KmsErrorKind Kind { get; }
}
