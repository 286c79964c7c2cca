using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using StorageOperator.Crypto.Dare;

namespace StorageOperator.Crypto.Keys;

/// <summary>
/// The per-object encryption key (OEK) and everything derived from it (MinIO <c>internal/crypto/key.go</c>).
/// Lives only in memory: <see cref="Dispose"/> zeroes it.
/// </summary>
public sealed class ObjectKey : IDisposable
{
    public const int Size = 32;

    private const string GenerationContext = "object-encryption-key generation";
    private const string ETagContext = "SSE-etag";

    private readonly byte[] _key;

    public ObjectKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException("An object key is 32 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The raw key, for DARE encryption of the object (single-part) or for tests.</summary>
    public ReadOnlySpan<byte> Bytes => _key;

    /// <summary>
    /// <c>OEK = HMAC-SHA256(extKey, "object-encryption-key generation" || nonce32)</c>; the nonce is random unless
    /// given (tests only).
    /// </summary>
    public static ObjectKey Generate(ReadOnlySpan<byte> externalKey, ReadOnlySpan<byte> nonce = default)
    {
        RequireExternalKey(externalKey);
        Span<byte> random = stackalloc byte[32];
        if (nonce.IsEmpty)
        {
            RandomNumberGenerator.Fill(random);
        }
        else if (nonce.Length == 32)
        {
            nonce.CopyTo(random);
        }
        else
        {
            throw new ArgumentException("The generation nonce is 32 bytes.", nameof(nonce));
        }

        Span<byte> message = stackalloc byte[GenerationContext.Length + 32];
        Encoding.ASCII.GetBytes(GenerationContext, message);
        random.CopyTo(message[GenerationContext.Length..]);
        Span<byte> key = stackalloc byte[Size];
        HMACSHA256.HashData(externalKey, message, key);
        var result = new ObjectKey(key);
        CryptographicOperations.ZeroMemory(key);
        return result;
    }

    /// <summary>A fresh random 32-byte IV for <see cref="Seal"/>.</summary>
    public static byte[] GenerateIv() => RandomNumberGenerator.GetBytes(SealedKey.IvSize);

    /// <summary>
    /// Seals this key for storage, bound to the external key, the IV, the domain and <c>path.Join(bucket, object)</c>.
    /// </summary>
    public SealedKey Seal(
        ReadOnlySpan<byte> externalKey, ReadOnlySpan<byte> iv, string domain, string bucket, string objectName, ReadOnlySpan<byte> dareNonce = default)
    {
        RequireExternalKey(externalKey);
        if (iv.Length != SealedKey.IvSize)
        {
            throw new ArgumentException("The seal IV is 32 bytes.", nameof(iv));
        }

        Span<byte> sealingKey = stackalloc byte[32];
        DeriveSealingKey(externalKey, iv, domain, bucket, objectName, sealingKey);
        var sealedBytes = DareBuffer.Encrypt(sealingKey, _key, dareNonce);
        CryptographicOperations.ZeroMemory(sealingKey);
        return new SealedKey(sealedBytes, iv.ToArray(), SealedKey.DareV2HmacSha256);
    }

    /// <summary>Opens a sealed key; any mismatch (key, domain, bucket, object, tampering) is a <see cref="KeyMismatchException"/>.</summary>
    public static ObjectKey Unseal(ReadOnlySpan<byte> externalKey, SealedKey sealedKey, string domain, string bucket, string objectName)
    {
        ArgumentNullException.ThrowIfNull(sealedKey);
        RequireExternalKey(externalKey);
        if (sealedKey.Algorithm != SealedKey.DareV2HmacSha256)
        {
            throw new KeyMismatchException($"The seal algorithm '{sealedKey.Algorithm}' is not supported.");
        }

        if (sealedKey.Iv.Length != SealedKey.IvSize || sealedKey.Key.Length != SealedKey.KeySize)
        {
            throw new KeyMismatchException("The sealed key is malformed.");
        }

        Span<byte> sealingKey = stackalloc byte[32];
        DeriveSealingKey(externalKey, sealedKey.Iv, domain, bucket, objectName, sealingKey);
        byte[] plain;
        try
        {
            plain = DareBuffer.Decrypt(sealingKey, sealedKey.Key);
        }
        catch (DareException e)
        {
            throw new KeyMismatchException("The object key could not be unsealed with the provided key.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealingKey);
        }

        try
        {
            return plain.Length == Size ? new ObjectKey(plain) : throw new KeyMismatchException("The sealed key is malformed.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary><c>HMAC-SHA256(OEK, LE_uint32(partNumber))</c>: the DARE key of one multipart part.</summary>
    public byte[] DerivePartKey(uint partNumber)
    {
        Span<byte> message = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(message, partNumber);
        return HMACSHA256.HashData(_key, message);
    }

    /// <summary><c>HMAC-SHA256(OEK, baseKey)</c>, e.g. "object-checksum" or "compression-index" (MinIO metadata blobs).</summary>
    public byte[] DeriveKey(string baseKey) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(baseKey));

    /// <summary>
    /// Seals an ETag (normally the 16-byte MD5) as DARE under <c>HMAC-SHA256(OEK, "SSE-etag")</c>: 48 bytes for an
    /// MD5. An empty ETag is returned as is, as MinIO does.
    /// </summary>
    public byte[] SealETag(ReadOnlySpan<byte> etag, ReadOnlySpan<byte> dareNonce = default)
    {
        if (etag.IsEmpty)
        {
            return [];
        }

        var key = DeriveKey(ETagContext);
        try
        {
            return DareBuffer.Encrypt(key, etag, dareNonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Reverses <see cref="SealETag"/>; ETags of 16 bytes or less are not sealed and come back unchanged.</summary>
    public byte[] UnsealETag(ReadOnlySpan<byte> sealedETag)
    {
        if (!IsETagSealed(sealedETag))
        {
            return sealedETag.ToArray();
        }

        var key = DeriveKey(ETagContext);
        try
        {
            return DareBuffer.Decrypt(key, sealedETag);
        }
        catch (DareException e)
        {
            throw new KeyMismatchException("The sealed ETag could not be opened with the object key.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>MinIO <c>IsETagSealed</c>: longer than 16 bytes.</summary>
    public static bool IsETagSealed(ReadOnlySpan<byte> etag) => etag.Length > 16;

    /// <summary>
    /// <c>KEK = HMAC-SHA256(extKey, IV || domain || "DAREv2-HMAC-SHA256" || path.Join(bucket, object))</c>.
    /// </summary>
    public static void DeriveSealingKey(
        ReadOnlySpan<byte> externalKey, ReadOnlySpan<byte> iv, string domain, string bucket, string objectName, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(objectName);
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, externalKey);
        mac.AppendData(iv);
        mac.AppendData(Encoding.UTF8.GetBytes(domain));
        mac.AppendData(Encoding.ASCII.GetBytes(SealedKey.DareV2HmacSha256));
        mac.AppendData(Encoding.UTF8.GetBytes(GoPath.Join(bucket, objectName)));
        mac.GetHashAndReset(destination);
    }

    private static void RequireExternalKey(ReadOnlySpan<byte> externalKey)
    {
        if (externalKey.Length != 32)
        {
            throw new ArgumentException("The external key is 32 bytes.", nameof(externalKey));
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
