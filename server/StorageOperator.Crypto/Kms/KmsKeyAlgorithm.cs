namespace StorageOperator.Crypto.Kms;

/// <summary>Cipher of a KES-style secret key (KES <c>AES256</c> / <c>ChaCha20</c>).</summary>
public enum KmsKeyAlgorithm
{
    Aes256,
    ChaCha20,
}
