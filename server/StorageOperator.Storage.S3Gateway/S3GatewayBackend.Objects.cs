using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using StorageOperator.Storage.S3Gateway.Backend;
using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Format;
using StorageOperator.Storage.S3Gateway.IO;
using StorageOperator.Storage.S3Gateway.Layout;

namespace StorageOperator.Storage.S3Gateway;

public sealed partial class S3GatewayBackend
{
    /// <summary>Single-request CopyObject limit; larger objects are copied part by part.</summary>
    private const long MaxSingleCopySize = 5L << 30;

    private const int MaxPartNumber = 10_000;

    /// <summary>Tries to pair an object with its sidecar before reporting the sidecar as lost (a concurrent overwrite may remove it).</summary>
    private const int MetadataAttempts = 3;

    /// <summary>What a backend object's headers say about our metadata.</summary>
    private sealed record ResolvedObject(long Size, string BackendETag, ObjectMetadata Metadata, DateTimeOffset LastModified, string? SidecarVersion);

    public async Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream data,
        Func<long, ObjectMetadata> complete, CancellationToken ct, Func<ObjectInfo?, Exception?>? precondition = null)
    {
        // Checked before the upload starts: replicas share no lock, so two conditional writers racing on one key are
        // decided by the backend store's last writer (documented in the README).
        if (precondition is not null && precondition(await GetObjectInfoAsync(bucket, key, ct).ConfigureAwait(false)) is { } failure)
        {
            throw failure;
        }

        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        var backendKey = KeyLayout.DataKey(location, key);
        using var first = new PartBuffer(MaxPartLimit);
        var ended = await first.FillAsync(data, PartLimit(1) + SinglePutSlack, ct).ConfigureAwait(false);
        if (!ended)
        {
            using var second = new PartBuffer(MaxPartLimit);
            var secondEnded = await second.FillAsync(data, PartLimit(2), ct).ConfigureAwait(false);
            if (!secondEnded || second.Length > 0)
            {
                return await PutLargeAsync(bucket, key, location, backendKey, data, first, second, secondEnded, complete, ct)
                    .ConfigureAwait(false);
            }
        }

        // Everything fits one buffer: validate before a single byte reaches the backend.
        var size = first.Length;
        var metadata = complete(size);
        var now = DateTimeOffset.UtcNow;
        var version = NewVersion();
        var (inline, sidecar) = Encode(MetadataCodec.ToStored(metadata, now));
        var sidecarKey = KeyLayout.SidecarKey(location, key, version);
        if (sidecar is not null)
        {
            await PutInternalAsync(location.Bucket, sidecarKey, sidecar, ct).ConfigureAwait(false);
        }
        var request = new PutObjectRequest
        {
            BucketName = location.Bucket,
            Key = backendKey,
            InputStream = first.OpenRead(),
            AutoCloseStream = true,
            ContentType = "application/octet-stream",
            DisablePayloadSigning = OverTls,
        };
        AddMetadata(request.Metadata, version, inline);
        try
        {
            await Call(() => _s3.PutObjectAsync(request, ct), ct).ConfigureAwait(false);
        }
        catch when (sidecar is not null)
        {
            await DeleteQuietlyAsync(location.Bucket, sidecarKey).ConfigureAwait(false);
            throw;
        }
        if (sidecar is not null)
        {
            await SweepSidecarsAsync(location, key, version).ConfigureAwait(false);
        }
        return new ObjectInfo(bucket, key, size, now, metadata);
    }

    /// <summary>
    /// A backend multipart upload straight to the final key: it becomes visible only when completed,
    /// which happens after <paramref name="complete"/> accepted the data and the sidecar is written.
    /// One buffer uploads while the next fills.
    /// </summary>
    private async Task<ObjectInfo> PutLargeAsync(string bucket, string key, BackendLocation location, string backendKey, Stream data,
        PartBuffer first, PartBuffer second, bool secondEnded, Func<long, ObjectMetadata> complete, CancellationToken ct)
    {
        var version = NewVersion();
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = location.Bucket,
            Key = backendKey,
            ContentType = "application/octet-stream",
        };
        AddMetadata(initiate.Metadata, version, inline: null);
        var uploadId = (await Call(() => _s3.InitiateMultipartUploadAsync(initiate, ct), ct).ConfigureAwait(false)).UploadId;
        var sidecarKey = KeyLayout.SidecarKey(location, key, version);
        var sidecarWritten = false;
        try
        {
            var parts = new List<PartETag>();
            long size = 0;
            var (current, next) = (first, second);
            var nextFilled = true;
            var nextEnded = secondEnded;
            var number = 1;
            while (true)
            {
                var upload = UploadPartAsync(location.Bucket, backendKey, uploadId, number, current, ct);
                var fill = nextFilled ? Task.FromResult(nextEnded) : next.FillAsync(data, PartLimit(number + 1), ct);
                await Task.WhenAll(upload, fill).ConfigureAwait(false);
                parts.Add(await upload.ConfigureAwait(false));
                size += current.Length;
                number++;
                var ended = await fill.ConfigureAwait(false);
                (current, next) = (next, current);
                next.Reset();
                nextFilled = false;
                if (ended)
                {
                    if (current.Length > 0)
                    {
                        parts.Add(await UploadPartAsync(location.Bucket, backendKey, uploadId, number, current, ct).ConfigureAwait(false));
                        size += current.Length;
                    }
                    break;
                }
                if (number > MaxPartNumber)
                {
                    throw new StorageException(StorageErrorKind.InvalidPart, "The object is too large for the backend's 10000 parts.");
                }
            }
            var metadata = complete(size);
            var now = DateTimeOffset.UtcNow;
            await PutInternalAsync(location.Bucket, sidecarKey, MetadataCodec.Serialize(MetadataCodec.ToStored(metadata, now)), ct)
                .ConfigureAwait(false);
            sidecarWritten = true;
            await Call(() => _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = location.Bucket,
                Key = backendKey,
                UploadId = uploadId,
                PartETags = parts,
            }, ct), ct).ConfigureAwait(false);
            await SweepSidecarsAsync(location, key, version).ConfigureAwait(false);
            return new ObjectInfo(bucket, key, size, now, metadata);
        }
        catch
        {
            await AbortQuietlyAsync(location.Bucket, backendKey, uploadId).ConfigureAwait(false);
            if (sidecarWritten)
            {
                await DeleteQuietlyAsync(location.Bucket, sidecarKey).ConfigureAwait(false);
            }
            throw;
        }
    }

    public async Task<ObjectInfo?> GetObjectInfoAsync(string bucket, string key, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        var backendKey = KeyLayout.DataKey(location, key);
        var resolved = await HeadResolvedAsync(location, key, backendKey, ct).ConfigureAwait(false);
        if (resolved is null)
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
            return null;
        }
        return new ObjectInfo(bucket, key, resolved.Size, resolved.LastModified, resolved.Metadata);
    }

    public async Task<ObjectReader> OpenObjectAsync(string bucket, string key, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        var backendKey = KeyLayout.DataKey(location, key);
        for (var attempt = 1; ; attempt++)
        {
            GetObjectResponse response;
            try
            {
                response = await GetWholeAsync(location.Bucket, backendKey, ct).ConfigureAwait(false);
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.NoSuchKey)
            {
                await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
                throw NoSuchKey(key);
            }
            ResolvedObject? resolved;
            try
            {
                resolved = await ResolveAsync(location, key, response.Metadata, response.ETag, response.ContentLength,
                    response.LastModified, response.Headers.ContentType, ct).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
            if (resolved is null)
            {
                response.Dispose();
                if (attempt < MetadataAttempts)
                {
                    continue;
                }
                throw LostSidecar(key);
            }
            var etag = resolved.BackendETag;
            var length = resolved.Size;
            var stream = new BackendObjectStream(length, response.ResponseStream,
                (position, token) => OpenRangeAsync(location.Bucket, backendKey, etag, position, length, token));
            return new ObjectReader(new ObjectInfo(bucket, key, resolved.Size, resolved.LastModified, resolved.Metadata), stream);
        }
    }

    public async Task<ObjectInfo> UpdateObjectMetadataAsync(string bucket, string key, string expectedETag,
        ObjectMetadata metadata, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        var backendKey = KeyLayout.DataKey(location, key);
        var current = await HeadResolvedAsync(location, key, backendKey, ct).ConfigureAwait(false);
        if (current is null)
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
            throw NoSuchKey(key);
        }
        if (!string.Equals(current.Metadata.ETag, expectedETag, StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorKind.PreconditionFailed, $"Object {KeyLayout.Truncate(key)} changed: its ETag is no longer {expectedETag}.");
        }
        var now = DateTimeOffset.UtcNow;
        var version = NewVersion();
        var (inline, sidecar) = Encode(MetadataCodec.ToStored(metadata, now));
        var sidecarKey = KeyLayout.SidecarKey(location, key, version);
        if (sidecar is not null)
        {
            await PutInternalAsync(location.Bucket, sidecarKey, sidecar, ct).ConfigureAwait(false);
        }
        try
        {
            // The copy is pinned to the backend version just checked: a concurrent overwrite makes it fail (412).
            if (current.Size <= MaxSingleCopySize)
            {
                var copy = new CopyObjectRequest
                {
                    SourceBucket = location.Bucket,
                    SourceKey = backendKey,
                    DestinationBucket = location.Bucket,
                    DestinationKey = backendKey,
                    ETagToMatch = current.BackendETag,
                    MetadataDirective = S3MetadataDirective.REPLACE,
                    ContentType = "application/octet-stream",
                };
                AddMetadata(copy.Metadata, version, inline);
                await Call(() => _s3.CopyObjectAsync(copy, ct), ct).ConfigureAwait(false);
            }
            else
            {
                await CopyLargeOntoItselfAsync(location.Bucket, backendKey, current, version, inline, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            if (sidecar is not null)
            {
                await DeleteQuietlyAsync(location.Bucket, sidecarKey).ConfigureAwait(false);
            }
            if (e is StorageException { Kind: StorageErrorKind.PreconditionFailed or StorageErrorKind.NoSuchKey })
            {
                throw new StorageException(StorageErrorKind.PreconditionFailed, $"Object {KeyLayout.Truncate(key)} changed while its metadata was replaced.", e);
            }
            throw;
        }
        if (current.SidecarVersion is not null || sidecar is not null)
        {
            await SweepSidecarsAsync(location, key, version).ConfigureAwait(false);
        }
        return new ObjectInfo(bucket, key, current.Size, now, metadata);
    }

    public async Task DeleteObjectAsync(string bucket, string key, CancellationToken ct)
    {
        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        string backendKey;
        try
        {
            backendKey = KeyLayout.DataKey(location, key);
        }
        catch (StorageException)
        {
            return; // a key that cannot exist is already deleted
        }
        var head = await HeadRawAsync(location.Bucket, backendKey, ct).ConfigureAwait(false);
        if (head is null)
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
            return;
        }
        await Call(() => _s3.DeleteObjectAsync(location.Bucket, backendKey, ct), ct).ConfigureAwait(false);
        if (head.Metadata[MetadataCodec.VersionName] is { Length: > 0 } version && head.Metadata[MetadataCodec.InlineName] is not { Length: > 0 })
        {
            await DeleteQuietlyAsync(location.Bucket, KeyLayout.SidecarKey(location, key, version)).ConfigureAwait(false);
            // Older sidecars still in their grace period when this one was written.
            await SweepSidecarsAsync(location, key, keep: null).ConfigureAwait(false);
        }
        // An object whose metadata rode in its headers had no sidecar: deleting it is HEAD + DELETE, no LIST.
        // A sidecar left by an earlier version that an inline write replaced is swept by the key's next
        // sidecar write (or the bucket's deletion); it is garbage, never read.
    }

    // ---- helpers ----

    /// <summary>Part sizes grow late so 10000 parts reach beyond 300 GiB while small objects use small buffers.</summary>
    private long PartLimit(int number) => _options.PartSize * number switch
    {
        <= 5000 => 1,
        <= 7500 => 2,
        <= 9000 => 4,
        _ => 8,
    };

    private long MaxPartLimit => _options.PartSize * 8;

    /// <summary>
    /// How far past the part size a PUT still goes to the backend as one request. Encryption adds 32
    /// bytes per 64 KiB package (1/2048), so a part-size plaintext would otherwise turn into a
    /// multipart upload with a tiny second part; 1/512 leaves room for that overhead four times over.
    /// Large PUTs simply start with a part this much larger.
    /// </summary>
    private long SinglePutSlack => _options.PartSize / 512;

    /// <summary>Over TLS the body is already integrity-protected: skip hashing every part for the signature.</summary>
    private bool OverTls => _options.Endpoint.Scheme == Uri.UriSchemeHttps;

    private static string NewVersion() => Guid.NewGuid().ToString("N");

    /// <returns>the inline user-metadata value, or the sidecar's bytes when it does not fit.</returns>
    private (string? Inline, byte[]? Sidecar) Encode(StoredMetadata stored)
    {
        var json = MetadataCodec.Serialize(stored);
        var inline = MetadataCodec.EncodeInline(json);
        var headerBytes = "x-amz-meta-".Length * 2 + MetadataCodec.VersionName.Length + 32 + MetadataCodec.InlineName.Length + inline.Length;
        return headerBytes <= _options.InlineMetadataLimit ? (inline, null) : (null, json);
    }

    private static void AddMetadata(MetadataCollection metadata, string version, string? inline)
    {
        metadata.Add(MetadataCodec.VersionName, version);
        if (inline is not null)
        {
            metadata.Add(MetadataCodec.InlineName, inline);
        }
    }

    private async Task<PartETag> UploadPartAsync(string backendBucket, string backendKey, string uploadId, int number,
        PartBuffer buffer, CancellationToken ct)
    {
        var response = await Call(() => _s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = backendBucket,
            Key = backendKey,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = buffer.OpenRead(),
            PartSize = buffer.Length,
            DisablePayloadSigning = OverTls,
        }, ct), ct).ConfigureAwait(false);
        return new PartETag(number, response.ETag);
    }

    /// <summary>A HEAD and, for sidecar objects, the sidecar; retried when an overwrite removed the sidecar in between.</summary>
    /// <returns>null when the object does not exist.</returns>
    private async Task<ResolvedObject?> HeadResolvedAsync(BackendLocation location, string key, string backendKey, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var head = await HeadRawAsync(location.Bucket, backendKey, ct).ConfigureAwait(false);
            if (head is null)
            {
                return null;
            }
            var resolved = await ResolveAsync(location, key, head.Metadata, head.ETag, head.ContentLength, head.LastModified,
                head.Headers.ContentType, ct).ConfigureAwait(false);
            if (resolved is not null)
            {
                return resolved;
            }
            if (attempt == MetadataAttempts)
            {
                throw LostSidecar(key);
            }
        }
    }

    /// <returns>null when the sidecar the object names is gone (overwritten meanwhile: look again).</returns>
    private async Task<ResolvedObject?> ResolveAsync(BackendLocation location, string key, MetadataCollection metadata,
        string backendETag, long size, DateTime? backendLastModified, string? contentType, CancellationToken ct)
    {
        var version = metadata[MetadataCodec.VersionName];
        if (string.IsNullOrEmpty(version))
        {
            return Foreign(metadata, backendETag, size, backendLastModified, contentType);
        }
        byte[] json;
        string? sidecarVersion = null;
        if (metadata[MetadataCodec.InlineName] is { Length: > 0 } inline)
        {
            json = MetadataCodec.DecodeInline(inline);
        }
        else
        {
            var sidecar = await GetInternalAsync(location.Bucket, KeyLayout.SidecarKey(location, key, version), ct).ConfigureAwait(false);
            if (sidecar is null)
            {
                return null;
            }
            json = sidecar;
            sidecarVersion = version;
        }
        var stored = MetadataCodec.DeserializeMetadata(json);
        return new ResolvedObject(size, backendETag, MetadataCodec.ToMetadata(stored), stored.LastModified, sidecarVersion);
    }

    /// <summary>An object written to the backend by someone else: its own ETag, content type and user metadata.</summary>
    private static ResolvedObject Foreign(MetadataCollection metadata, string backendETag, long size, DateTime? lastModified, string? contentType)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(contentType))
        {
            headers["Content-Type"] = contentType;
        }
        foreach (var name in metadata.Keys)
        {
            var full = name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? name : "x-amz-meta-" + name;
            headers[full] = metadata[name];
        }
        var metadataRecord = new ObjectMetadata { ETag = backendETag.Trim('"'), Headers = headers };
        return new ResolvedObject(size, backendETag, metadataRecord, ToSecondsOrExact(lastModified), null);
    }

    private static DateTimeOffset ToSecondsOrExact(DateTime? value) => new(ToUtc(value), TimeSpan.Zero);

    /// <summary>
    /// The whole object, asked for as the open range <c>bytes=0-</c>: the backend sends the same bytes, and the AWS SDK
    /// then skips its own MD5 check of full-object GETs — a managed MD5 that was a quarter of a replica's CPU while
    /// serving GETs. Integrity stays covered: encrypted objects are authenticated package by package, and the client
    /// gets the ETag to check as it would from the backend. An empty object has no byte 0: the backend answers 416,
    /// and a plain GET follows.
    /// </summary>
    private async Task<GetObjectResponse> GetWholeAsync(string backendBucket, string backendKey, CancellationToken ct)
    {
        try
        {
            return await Call(() => _s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = backendBucket,
                Key = backendKey,
                ByteRange = new ByteRange(0, long.MaxValue - 1),
            }, ct), ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.InnerException is AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.RequestedRangeNotSatisfiable })
        {
            return await Call(() => _s3.GetObjectAsync(backendBucket, backendKey, ct), ct).ConfigureAwait(false);
        }
    }

    private async Task<Stream> OpenRangeAsync(string backendBucket, string backendKey, string backendETag, long position, long length,
        CancellationToken ct)
    {
        try
        {
            var response = await Call(() => _s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = backendBucket,
                Key = backendKey,
                ByteRange = new ByteRange(position, length - 1),
                EtagToMatch = backendETag,
            }, ct), ct).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (StorageException e) when (e.Kind is StorageErrorKind.PreconditionFailed or StorageErrorKind.NoSuchKey)
        {
            throw new IOException("The object was replaced or deleted while it was being read.", e);
        }
    }

    private async Task CopyLargeOntoItselfAsync(string backendBucket, string backendKey, ResolvedObject current, string version,
        string? inline, CancellationToken ct)
    {
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = backendBucket,
            Key = backendKey,
            ContentType = "application/octet-stream",
        };
        AddMetadata(initiate.Metadata, version, inline);
        var uploadId = (await Call(() => _s3.InitiateMultipartUploadAsync(initiate, ct), ct).ConfigureAwait(false)).UploadId;
        try
        {
            const long copyPart = 1L << 30;
            var parts = new List<PartETag>();
            for (long offset = 0, number = 1; offset < current.Size; offset += copyPart, number++)
            {
                var response = await Call(() => _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = backendBucket,
                    SourceKey = backendKey,
                    DestinationBucket = backendBucket,
                    DestinationKey = backendKey,
                    UploadId = uploadId,
                    PartNumber = (int)number,
                    FirstByte = offset,
                    LastByte = Math.Min(offset + copyPart, current.Size) - 1,
                    ETagToMatch = [current.BackendETag],
                }, ct), ct).ConfigureAwait(false);
                parts.Add(new PartETag((int)number, response.ETag));
            }
            await Call(() => _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = backendBucket,
                Key = backendKey,
                UploadId = uploadId,
                PartETags = parts,
            }, ct), ct).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(backendBucket, backendKey, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Removes sidecars of <paramref name="key"/> that no object references any more. Only those older
    /// than the grace period go: a younger one may belong to a write still in flight on another replica,
    /// or be what a reader is about to fetch. Best effort: leftovers are garbage, never wrong data.
    /// </summary>
    private async Task SweepSidecarsAsync(BackendLocation location, string key, string? keep)
    {
        try
        {
            var cutoff = DateTime.UtcNow - _options.SidecarGracePeriod;
            var prefix = KeyLayout.SidecarPrefix(location, key);
            var stale = (await ListAllAsync(location.Bucket, prefix, CancellationToken.None).ConfigureAwait(false))
                .Where(o => o.Key[prefix.Length..] != keep && ToUtc(o.LastModified) < cutoff)
                .Select(o => o.Key)
                .ToList();
            if (stale.Count > 0)
            {
                await DeleteManyAsync(location.Bucket, stale, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (StorageException e)
        {
            _logger.LogWarning(e, "Could not sweep old metadata sidecars in backend bucket {Bucket}", location.Bucket);
        }
    }

    /// <summary>After a miss: a missing bucket must be reported as such (a HEAD's 404 does not say which).</summary>
    private async Task ThrowIfNoBucketAsync(string bucket, BackendLocation location, CancellationToken ct)
    {
        if (!await BucketExistsAsync(bucket, location, ct).ConfigureAwait(false))
        {
            throw NoSuchBucket(bucket);
        }
    }

    private static StorageException LostSidecar(string key) =>
        new(StorageErrorKind.Unavailable, $"The metadata of object {KeyLayout.Truncate(key)} is missing from the backend.");
}
