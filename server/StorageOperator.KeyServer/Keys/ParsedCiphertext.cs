namespace StorageOperator.KeyServer.Keys;

/// <summary>A ciphertext split into its parts. <see cref="Algorithm"/> is only known for the legacy forms.</summary>
public sealed record ParsedCiphertext(byte[] Sealed, byte[] Iv, byte[] Nonce, KeyAlgorithm? Algorithm);
