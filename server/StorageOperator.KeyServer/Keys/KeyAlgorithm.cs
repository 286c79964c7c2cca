namespace StorageOperator.KeyServer.Keys;

/// <summary>The AEAD a KES key seals with. It is a property of the key; ciphertexts do not record it.</summary>
public enum KeyAlgorithm
{
    Aes256,
    ChaCha20,
}
