namespace StorageOperator.KeyServer.Keys;

/// <summary>Any reason a ciphertext does not open: malformed, wrong key, wrong context, tampered.</summary>
public sealed class DecryptionFailedException(string reason) : Exception(reason);
