using System.Security.Cryptography;
using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Sse;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// One write (object or part) in progress: the stream to store, the internal SSE metadata to store with it, and how
/// to turn the plaintext MD5 into the stored ETag once the body is read. Disposing zeroes the object key.
/// </summary>
public sealed class SseWrite : IDisposable, IAsyncDisposable
{
    /// <summary>Internal entry holding the sealed ETag (MinIO's stored form, 96 hex characters) of SSE-C/SSE-KMS data.</summary>
    public const string SealedETagKey = "x-internal-sse-sealed-etag";

    private readonly ObjectKey? _objectKey;
    private readonly Stream? _encrypting;

    internal SseWrite(Stream stored, SseType type, ObjectKey? objectKey, Stream? encrypting, IReadOnlyDictionary<string, string> metadata, SseResponse response)
    {
        Stored = stored;
        Type = type;
        _objectKey = objectKey;
        _encrypting = encrypting;
        Metadata = metadata;
        Response = response;
    }

    public static SseWrite Plain(Stream plaintext) =>
        new(plaintext, SseType.None, null, null, new Dictionary<string, string>(), SseResponse.None);

    /// <summary>What to hand to the storage backend (ciphertext, or the plaintext itself when not encrypted).</summary>
    public Stream Stored { get; }

    public SseType Type { get; }

    /// <summary>Internal entries ("x-internal-sse-…") to store with the object, part or upload.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The SSE response headers for this write.</summary>
    public SseResponse Response { get; }

    /// <summary>
    /// Whether <see cref="ETag"/> will use the plaintext MD5: always for plaintext and SSE-S3 (the ETag is the MD5),
    /// for SSE-C/SSE-KMS only to seal a client's Content-MD5; otherwise the sealed value is random and computing the
    /// MD5 would be wasted work.
    /// </summary>
    public bool NeedsPlaintextMd5(bool clientSentContentMd5) =>
        clientSentContentMd5 || Type is SseType.None or SseType.SseS3 || _objectKey is null;

    /// <summary>
    /// The ETag to store and return (§2.9, §1.4): the MD5 for plaintext and SSE-S3; for SSE-C and SSE-KMS the last
    /// 16 bytes of the MD5 sealed under the object key (random-looking). Without a client Content-MD5 the sealed
    /// value is a random 16 bytes (MinIO <c>forceMD5</c>), so nothing about the plaintext is derivable from it.
    /// The sealed form goes into <paramref name="metadata"/> under <see cref="SealedETagKey"/>. <paramref name="md5"/>
    /// may be empty where <see cref="NeedsPlaintextMd5"/> said it is not needed.
    /// </summary>
    public string ETag(ReadOnlySpan<byte> md5, bool clientSentContentMd5, IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (Type is SseType.None or SseType.SseS3 || _objectKey is null)
        {
            return Convert.ToHexStringLower(md5);
        }

        var sealedETag = _objectKey.SealETag(clientSentContentMd5 ? md5 : SseETags.RandomMd5());
        metadata[SealedETagKey] = Convert.ToHexStringLower(sealedETag);
        return SseETags.ToClient(Type, sealedETag, _objectKey);
    }

    public void Dispose()
    {
        _encrypting?.Dispose();
        _objectKey?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_encrypting is not null)
        {
            await _encrypting.DisposeAsync().ConfigureAwait(false);
        }

        _objectKey?.Dispose();
    }

    internal static void Zero(byte[]? bytes)
    {
        if (bytes is not null)
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
