namespace StorageOperator.Crypto.Keys;

/// <summary>
/// An object key sealed for storage: <see cref="Key"/> is one final DARE 2.0 package (16 + 32 + 16 = 64 bytes),
/// <see cref="Iv"/> the 32 random bytes mixed into the sealing key, <see cref="Algorithm"/> the seal algorithm name.
/// </summary>
public sealed record SealedKey(byte[] Key, byte[] Iv, string Algorithm)
{
    /// <summary>MinIO <c>SealAlgorithm</c>: HMAC-SHA256 derived sealing key, DARE 2.0.</summary>
    public const string DareV2HmacSha256 = "DAREv2-HMAC-SHA256";

    /// <summary>MinIO's legacy SSE-C algorithm (SHA-256 KEK, DARE 1.0); recognised but not supported for reading.</summary>
    public const string LegacyDareSha256 = "DARE-SHA256";

    public const int KeySize = 64;
    public const int IvSize = 32;
}
