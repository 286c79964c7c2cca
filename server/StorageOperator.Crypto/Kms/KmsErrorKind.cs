namespace StorageOperator.Crypto.Kms;

public enum KmsErrorKind
{
    /// <summary>The key does not exist (S3: <c>KMS.NotFoundException</c>).</summary>
    KeyNotFound,

    KeyExists,

    /// <summary>The KMS refused the caller (KES policy).</summary>
    AccessDenied,

    /// <summary>The KMS cannot be reached or failed (network, timeout, 5xx after retries).</summary>
    Unavailable,

    /// <summary>The ciphertext is not authentic for this key and context.</summary>
    DecryptionFailed,

    InvalidArgument,
}
