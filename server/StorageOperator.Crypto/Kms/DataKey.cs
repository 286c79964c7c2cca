namespace StorageOperator.Crypto.Kms;

/// <summary>A fresh data key: <paramref name="Plaintext"/> (32 bytes, memory only) and its KMS-wrapped form.</summary>
/// <param name="KeyId">the KMS key that wrapped it (the default key's name when none was asked for).</param>
public sealed record DataKey(string KeyId, byte[] Plaintext, byte[] Ciphertext)
{
    // Records print their members; a data key must never end up in a log that way.
    public override string ToString() => $"DataKey {{ KeyId = {KeyId} }}";
}
