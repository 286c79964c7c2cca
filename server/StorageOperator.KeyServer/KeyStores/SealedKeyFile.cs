using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.KeyStores;

/// <summary>
/// The on-disk form of one key in the filesystem store. DO NOT CHANGE without a new magic: files outlive releases.
/// <code>
/// "KSK1" (4 bytes) || nonce (12) || AES-256-GCM(rootKey, nonce, record, aad) || tag (16)
/// aad    = "key-server/fs/v1" || 0x00 || UTF-8(key name)     — a file renamed to another key does not open
/// record = UTF-8 JSON {"key":b64(32),"hmac_key":b64(32)|null,"algorithm":"AES256"|"ChaCha20",
///                      "created_at":RFC 3339,"created_by":identity}
/// </code>
/// KES writes the same record in plaintext; here the root key (file or environment) keeps a copied disk useless.
/// </summary>
public static class SealedKeyFile
{
    private static readonly byte[] Magic = "KSK1"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(ReadOnlySpan<byte> rootKey, string name, SecretKey key)
    {
        var record = JsonSerializer.SerializeToUtf8Bytes(new Record
        {
            Key = key.Material,
            HmacKey = key.HmacKey,
            Algorithm = key.Algorithm.ToKesName(),
            CreatedAt = key.CreatedAt,
            CreatedBy = key.CreatedBy,
        });
        try
        {
            var output = new byte[Magic.Length + NonceSize + record.Length + TagSize];
            Magic.CopyTo(output, 0);
            var nonce = output.AsSpan(Magic.Length, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(rootKey, TagSize);
            aes.Encrypt(nonce, record, output.AsSpan(Magic.Length + NonceSize, record.Length), output.AsSpan(output.Length - TagSize), AssociatedData(name));
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(record);
        }
    }

    /// <exception cref="KeyStoreException">Corrupt: truncated, tampered, another name's file, or another root key.</exception>
    public static SecretKey Open(ReadOnlySpan<byte> rootKey, string name, ReadOnlySpan<byte> file)
    {
        if (file.Length < Magic.Length + NonceSize + TagSize || !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw new KeyStoreException(KeyStoreError.Corrupt, "failed to read key");
        }

        var body = file[(Magic.Length + NonceSize)..^TagSize];
        var record = new byte[body.Length];
        try
        {
            using var aes = new AesGcm(rootKey, TagSize);
            aes.Decrypt(file.Slice(Magic.Length, NonceSize), body, file[^TagSize..], record, AssociatedData(name));
            var parsed = JsonSerializer.Deserialize<Record>(record) ?? throw new JsonException("null record");
            if (!KeyAlgorithmNames.TryParse(parsed.Algorithm, out var algorithm) || parsed.Key is null)
            {
                throw new JsonException("bad record");
            }

            return new SecretKey(parsed.Key, algorithm, parsed.HmacKey, parsed.CreatedAt, parsed.CreatedBy ?? "");
        }
        catch (Exception e) when (e is CryptographicException or JsonException or ArgumentException)
        {
            throw new KeyStoreException(KeyStoreError.Corrupt, "failed to read key", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(record);
        }
    }

    private static byte[] AssociatedData(string name) => [.. "key-server/fs/v1"u8, 0, .. Encoding.UTF8.GetBytes(name)];

    private sealed class Record
    {
        [JsonPropertyName("key")]
        public byte[]? Key { get; init; }

        [JsonPropertyName("hmac_key")]
        public byte[]? HmacKey { get; init; }

        [JsonPropertyName("algorithm")]
        public string? Algorithm { get; init; }

        [JsonPropertyName("created_at")]
        public DateTimeOffset CreatedAt { get; init; }

        [JsonPropertyName("created_by")]
        public string? CreatedBy { get; init; }
    }
}
