using Microsoft.AspNetCore.Http;
using StorageOperator.Crypto.Dare;
using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// Server-side encryption of object data (reference §2.2–§2.9): decides per write which encryption applies (request
/// headers, bucket default, auto-encryption, enforcement), generates and seals object keys, and wraps stored bytes
/// in DARE 2.0 streams; on reads it unseals the key (SSE-C key from the request, SSE-S3/SSE-KMS through the KMS)
/// and decrypts only the packages a range needs. Plaintext keys live only in memory and are zeroed after use.
/// SSE-KMS writes that use an S3 Bucket Key take their data key from <paramref name="bucketKeys"/> (without one, every
/// object gets its own data key, as without the header).
/// </summary>
public sealed class SseObjectCodec(IStorageBackend backend, IKmsClient? kms, EncryptionPolicy policy, BucketKeyCache? bucketKeys = null)
{
    public IKmsClient? Kms => kms;

    public EncryptionPolicy Policy => policy;

    /// <summary>PutObject and the target of CopyObject: the encryption asked for (or defaulted), applied to <paramref name="plaintext"/>.</summary>
    public async Task<SseWrite> BeginWriteAsync(Stream plaintext, string bucket, string key, IHeaderDictionary headers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var request = await ResolveAsync(bucket, headers, ct).ConfigureAwait(false);
        if (!request.IsEncrypted)
        {
            return SseWrite.Plain(plaintext);
        }

        var created = await CreateKeyAsync(request, bucket, key, multipart: false, ct).ConfigureAwait(false);
        var encrypting = new DareEncryptingStream(plaintext, created.ObjectKey.Bytes, leaveOpen: true);
        return new SseWrite(encrypting, request.Type, created.ObjectKey, encrypting, Metadata(created.Encryption), Describe(created.Encryption, request.CustomerKey?.KeyMd5));
    }

    /// <summary>
    /// CreateMultipartUpload: the object key is generated and sealed once, into the upload's metadata (§2.8). The
    /// returned write carries no data (<see cref="SseWrite.Stored"/> is empty).
    /// </summary>
    public async Task<SseWrite> BeginUploadAsync(string bucket, string key, IHeaderDictionary headers, CancellationToken ct)
    {
        var request = await ResolveAsync(bucket, headers, ct).ConfigureAwait(false);
        if (!request.IsEncrypted)
        {
            return SseWrite.Plain(Stream.Null);
        }

        using var created = await CreateKeyAsync(request, bucket, key, multipart: true, ct).ConfigureAwait(false);
        return new SseWrite(Stream.Null, request.Type, null, null, Metadata(created.Encryption), Describe(created.Encryption, request.CustomerKey?.KeyMd5));
    }

    /// <summary>
    /// UploadPart / UploadPartCopy: each part is its own DARE stream under <c>HMAC(OEK, LE32(partNumber))</c>. SSE-C
    /// uploads need the same customer key on every part; other uploads refuse SSE-C headers on parts (AWS, §1.3).
    /// </summary>
    public async Task<SseWrite> BeginPartAsync(Stream plaintext, MultipartUploadInfo upload, int partNumber, IHeaderDictionary headers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var encryption = ReadEncryption(upload.Metadata.Headers);
        using var customerKey = SseRequestParser.ParseCustomerKey(headers, copySource: false);
        if (encryption is null)
        {
            return customerKey is null ? SseWrite.Plain(plaintext) : throw SseErrors.MultipartEncrypted();
        }

        if ((encryption.Type == SseType.SseC) != (customerKey is not null))
        {
            throw SseErrors.MultipartEncrypted();
        }

        ObjectKey objectKey;
        try
        {
            objectKey = await UnsealAsync(encryption, upload.Bucket, upload.Key, customerKey, ct).ConfigureAwait(false);
        }
        catch (KeyMismatchException) when (encryption.Type == SseType.SseC)
        {
            throw SseErrors.PartKeyMismatch();
        }

        var partKey = objectKey.DerivePartKey(checked((uint)partNumber));
        try
        {
            // A fresh random stream nonce, not MinIO's SHA256(uploadId||part): re-uploading a part number with other data
            // must never reuse (key, nonce). Readers take the nonce from the package headers, so the format is unchanged.
            var encrypting = new DareEncryptingStream(plaintext, partKey, leaveOpen: true);
            return new SseWrite(encrypting, encryption.Type, objectKey, encrypting, new Dictionary<string, string>(), Describe(encryption, customerKey?.KeyMd5));
        }
        finally
        {
            SseWrite.Zero(partKey);
        }
    }

    /// <summary>The size clients see: the sum of the part sizes, or the DARE plaintext size; plain objects as stored.</summary>
    public static long PlaintextSize(ObjectInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var headers = info.Metadata.Headers;
        if (!headers.ContainsKey(SseMetadataKeys.SealAlgorithm))
        {
            return info.Size;
        }

        if (info.Metadata.Parts.Count > 0)
        {
            return info.Metadata.Parts.Sum(p => p.ActualSize);
        }

        // a listing must not fail on one broken object; the read itself reports the tampering
        return DareFormat.TryDecryptedSize(info.Size, out var plain) ? plain : info.Size;
    }

    /// <summary>
    /// The SSE response headers of a stored object for HEAD (and metadata-only copies): the request's headers are
    /// validated and an SSE-C key must open the object. SSE-S3/SSE-KMS objects need no KMS round trip here, so HEAD
    /// and listings keep working while the KMS is away; reading the data is what needs the KMS.
    /// </summary>
    public Task<SseResponse> VerifyReadAsync(ObjectInfo info, IHeaderDictionary headers, bool copySource, CancellationToken ct)
    {
        var (encryption, customerKey) = ReadRequest(info, headers, copySource);
        using (customerKey)
        {
            if (encryption is null)
            {
                return Task.FromResult(SseResponse.None);
            }

            if (encryption.Type == SseType.SseC)
            {
                try
                {
                    using var key = ObjectKey.Unseal(customerKey!.Key.Span, encryption.SealedKey, SealDomain.SseC, info.Bucket, info.Key);
                }
                catch (KeyMismatchException)
                {
                    throw SseErrors.WrongKey();
                }
            }

            return Task.FromResult(Describe(encryption, customerKey?.KeyMd5));
        }
    }

    /// <summary>
    /// GetObject / copy sources: what to read from storage for the plaintext [offset, offset+length) and how to
    /// decrypt it. Key errors are thrown here, before any response byte is sent.
    /// </summary>
    public async Task<SseDecodedRead> DecodeReadAsync(ObjectInfo info, long plainOffset, long plainLength, IHeaderDictionary headers, bool copySource, CancellationToken ct)
    {
        var (encryption, customerKey) = ReadRequest(info, headers, copySource);
        using (customerKey)
        {
            if (encryption is null)
            {
                return new SseDecodedRead(plainOffset, plainLength, s => s, SseResponse.None);
            }

            var response = Describe(encryption, customerKey?.KeyMd5);
            using var key = await UnsealForReadAsync(encryption, info, customerKey, ct).ConfigureAwait(false);
            if (plainLength == 0)
            {
                return new SseDecodedRead(0, 0, s => s, response);
            }

            var parts = info.Metadata.Parts;
            if (!encryption.IsMultipart || parts.Count == 0)
            {
                if (!DareFormat.TryDecryptedSize(info.Size, out var plainSize) || parts.Count > 0)
                {
                    throw SseErrors.Tampered();
                }

                var range = DareFormat.MapRange(plainSize, plainOffset, plainLength);
                var objectKey = key.Bytes.ToArray();
                return new SseDecodedRead(range.CipherOffset, range.CipherLength, s =>
                {
                    try
                    {
                        return new DareDecryptingStream(s, objectKey, range);
                    }
                    finally
                    {
                        SseWrite.Zero(objectKey);
                    }
                }, response);
            }

            var storedStarts = new long[parts.Count];
            var position = 0L;
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].Size != (parts[i].ActualSize == 0 ? 0 : DareFormat.EncryptedSize(parts[i].ActualSize)))
                {
                    throw SseErrors.Tampered();
                }

                storedStarts[i] = position;
                position += parts[i].Size;
            }

            var ranges = DareFormat.MapRange(parts.Select(p => p.ActualSize).ToList(), plainOffset, plainLength);
            var segments = ranges.Select(r => new PartSegment(key.DerivePartKey(checked((uint)parts[r.PartIndex].Number)), r.Range)).ToList();
            var start = storedStarts[ranges[0].PartIndex] + ranges[0].Range.CipherOffset;
            var end = storedStarts[ranges[^1].PartIndex] + ranges[^1].Range.CipherOffset + ranges[^1].Range.CipherLength;
            return new SseDecodedRead(start, end - start, s => new MultipartDecryptingStream(s, segments), response);
        }
    }

    /// <summary>
    /// SSE-C key rotation by in-place CopyObject (§2.11): the object key is re-sealed under the new customer key; the
    /// data stays. Null when the copy is not an SSE-C → SSE-C copy of an SSE-C object (then the data is rewritten).
    /// </summary>
    /// <returns>the object's metadata entries with the re-sealed key, and the response headers.</returns>
    public static (Dictionary<string, string> Headers, SseResponse Response)? RotateCustomerKey(ObjectInfo info, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(info);
        var encryption = ReadEncryption(info.Metadata.Headers);
        if (encryption?.Type != SseType.SseC || !SseRequestParser.HasCustomerHeaders(headers, copySource: false))
        {
            return null;
        }

        var target = SseRequestParser.ParseWrite(headers);
        using var newKey = target.CustomerKey!;
        using var oldKey = SseRequestParser.ParseCustomerKey(headers, copySource: true) ?? throw SseErrors.EncryptedObject();
        SseObjectEncryption rotated;
        try
        {
            rotated = SseObjectKeys.RotateSseC(encryption, oldKey.Key.Span, newKey.Key.Span, info.Bucket, info.Key);
        }
        catch (KeyMismatchException)
        {
            throw oldKey.SameKeyAs(newKey)
                ? new S3Exception(S3ErrorCode.InvalidArgument, SseErrors.PartKeyMismatchMessage)
                : SseErrors.WrongKey();
        }

        var result = new Dictionary<string, string>(info.Metadata.Headers, StringComparer.OrdinalIgnoreCase);
        SseObjectMetadata.Write(result, rotated);
        return (result, Describe(rotated, newKey.KeyMd5));
    }

    /// <summary>The SSE description of stored metadata (no key checks): for listings of what a HEAD would show.</summary>
    public static SseResponse Describe(IReadOnlyDictionary<string, string> storedHeaders, string? customerKeyMd5)
    {
        var encryption = ReadEncryption(storedHeaders);
        return encryption is null ? SseResponse.None : Describe(encryption, customerKeyMd5);
    }

    /// <summary>The parsed SSE metadata; broken metadata is reported as tampering.</summary>
    public static SseObjectEncryption? ReadEncryption(IReadOnlyDictionary<string, string> headers)
    {
        try
        {
            return SseObjectMetadata.Read(headers);
        }
        catch (SseMetadataException)
        {
            throw SseErrors.Tampered();
        }
    }

    private async Task<SseRequest> ResolveAsync(string bucket, IHeaderDictionary headers, CancellationToken ct)
    {
        var requested = SseRequestParser.ParseWrite(headers);
        try
        {
            var bucketDefault = await GetBucketDefaultAsync(bucket, ct).ConfigureAwait(false);
            var resolved = policy.Resolve(requested, bucketDefault);
            if (resolved.Type is SseType.SseS3 or SseType.SseKms && kms is null)
            {
                throw SseErrors.KmsNotConfigured();
            }

            return resolved;
        }
        catch
        {
            requested.CustomerKey?.Dispose();
            throw;
        }
    }

    public async Task<BucketEncryptionConfiguration?> GetBucketDefaultAsync(string bucket, CancellationToken ct)
    {
        var document = await backend.GetBucketConfigAsync(bucket, BucketEncryptionConfiguration.ConfigName, ct).ConfigureAwait(false);
        return document is null ? null : BucketEncryptionConfiguration.Parse(document);
    }

    private async Task<SseSealedObjectKey> CreateKeyAsync(SseRequest request, string bucket, string key, bool multipart, CancellationToken ct)
    {
        if (request.Type == SseType.SseC)
        {
            using var customerKey = request.CustomerKey!;
            return SseObjectKeys.CreateSseC(customerKey.Key.Span, bucket, key, multipart);
        }

        try
        {
            return request.UsesBucketKey && bucketKeys is not null
                ? await SseObjectKeys.CreateWithBucketKeyAsync(bucketKeys, request.KmsKeyId, request.Context, bucket, key, multipart, ct).ConfigureAwait(false)
                : await SseObjectKeys.CreateWithKmsAsync(kms!, request.Type, request.KmsKeyId, request.Context, bucket, key, multipart, ct).ConfigureAwait(false);
        }
        catch (KmsException e)
        {
            throw SseErrors.FromKms(e, string.IsNullOrEmpty(request.KmsKeyId) ? kms!.DefaultKeyId : request.KmsKeyId);
        }
    }

    private static (SseObjectEncryption? Encryption, SseCustomerKey? CustomerKey) ReadRequest(ObjectInfo info, IHeaderDictionary headers, bool copySource)
    {
        ArgumentNullException.ThrowIfNull(info);
        var customerKey = copySource ? SseRequestParser.ParseCustomerKey(headers, copySource: true) : SseRequestParser.ParseRead(headers);
        try
        {
            var encryption = ReadEncryption(info.Metadata.Headers);
            if (encryption is null || encryption.Type != SseType.SseC)
            {
                // SSE-C headers for an object that is not SSE-C (MinIO; AWS unconfirmed, §1.3)
                return customerKey is null ? (encryption, null) : throw SseErrors.NotApplicable();
            }

            return customerKey is null ? throw SseErrors.EncryptedObject() : (encryption, customerKey);
        }
        catch
        {
            customerKey?.Dispose();
            throw;
        }
    }

    private async Task<ObjectKey> UnsealForReadAsync(SseObjectEncryption encryption, ObjectInfo info, SseCustomerKey? customerKey, CancellationToken ct)
    {
        try
        {
            return await UnsealAsync(encryption, info.Bucket, info.Key, customerKey, ct).ConfigureAwait(false);
        }
        catch (KeyMismatchException)
        {
            // SSE-C: the wrong key. SSE-S3/SSE-KMS: the data key opened but the sealed key did not, i.e. moved metadata.
            throw encryption.Type == SseType.SseC ? SseErrors.WrongKey() : SseErrors.Tampered();
        }
    }

    private async Task<ObjectKey> UnsealAsync(SseObjectEncryption encryption, string bucket, string key, SseCustomerKey? customerKey, CancellationToken ct)
    {
        if (encryption.Type != SseType.SseC && kms is null)
        {
            throw SseErrors.KmsNotConfigured();
        }

        try
        {
            return await SseObjectKeys.UnsealAsync(encryption, bucket, key, kms, customerKey?.Key ?? default, ct).ConfigureAwait(false);
        }
        catch (KmsException e)
        {
            throw SseErrors.FromKms(e, encryption.KmsKeyId);
        }
        catch (SseMetadataException)
        {
            throw SseErrors.Tampered();
        }
    }

    private static Dictionary<string, string> Metadata(SseObjectEncryption encryption)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        SseObjectMetadata.Write(metadata, encryption);
        return metadata;
    }

    // the bucket-key header comes from the stored metadata, so PUT, GET, HEAD, parts and Complete agree
    private static SseResponse Describe(SseObjectEncryption encryption, string? customerKeyMd5) => new(
        encryption.Type,
        encryption.KmsKeyId,
        encryption.ClientContext is { Count: > 0 } context ? Convert.ToBase64String(KmsContext.Marshal(context)) : null,
        customerKeyMd5,
        encryption.BucketKey);
}
