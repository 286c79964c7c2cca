namespace StorageOperator.Crypto.Kms;

public enum KmsBackend
{
    None,
    StaticKey,
    Kes,
}
