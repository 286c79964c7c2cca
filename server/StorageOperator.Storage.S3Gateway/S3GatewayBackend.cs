using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StorageOperator.Storage.S3Gateway.Backend;
using StorageOperator.Storage.S3Gateway.Caching;
using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Layout;

namespace StorageOperator.Storage.S3Gateway;

/// <summary>
/// A storage backend on top of an existing S3-compatible store (Ceph RGW, AWS S3, …), so the
/// storage server runs as stateless replicas: every piece of state — object metadata, multipart
/// upload records, per-part metadata, bucket configuration — lives in the backend, and any replica
/// can serve any request. Bytes and metadata given to it are already encrypted when SSE is on.
///
/// Layout (see <see cref="KeyLayout"/>): our key K of bucket B is backend key KeyPrefix(B) + K;
/// internal objects sort after all keys. Our metadata rides in the backend object's user metadata
/// (x-amz-meta-sg-m) when small, else in a sidecar object named by a version id (x-amz-meta-sg-v)
/// that is written before the data becomes visible, so a reader never pairs new data with old
/// metadata. Objects of unknown length are cut into pooled part buffers; large ones go to the
/// backend as a multipart upload that only becomes visible on completion.
/// </summary>
public sealed partial class S3GatewayBackend : IStorageBackend, IDisposable
{
    private readonly S3GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly AmazonS3Client _s3;
    private readonly KeyLayout _layout;
    private readonly BucketConfigCache _configs;

    /// <param name="time">clock of the bucket configuration cache (tests); the system clock by default.</param>
    public S3GatewayBackend(S3GatewayOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mapping == BucketMapping.PrefixInOneBucket && string.IsNullOrEmpty(options.Bucket))
        {
            throw new ArgumentException("Prefix mode needs the backend bucket.", nameof(options));
        }
        if (options.PartSize < S3GatewayOptions.MinPartSize)
        {
            throw new ArgumentException("The part size must be at least 5 MiB.", nameof(options));
        }
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _layout = new KeyLayout(options.Mapping, options.Bucket, options.Prefix);
        _s3 = S3ClientFactory.Create(options);
        _configs = new BucketConfigCache(options.BucketConfigCacheTtl, options.BucketConfigCacheSize, time ?? TimeProvider.System);
    }

    /// <summary>The backend client, for tests that count the requests an operation makes.</summary>
    internal AmazonS3Client Client => _s3;

    public void Dispose() => _s3.Dispose();

    /// <summary>Whether the backend answers with the configured credentials (for readiness and operator status).</summary>
    /// <returns>null when reachable, else the reason.</returns>
    public async Task<string?> ProbeAsync(CancellationToken ct)
    {
        try
        {
            if (_layout.Mapping == BucketMapping.PrefixInOneBucket)
            {
                await Call(() => _s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = _layout.SharedBucket,
                    Prefix = _layout.BucketMarkersPrefix,
                    MaxKeys = 1,
                }, ct), ct).ConfigureAwait(false);
            }
            else
            {
                await Call(() => _s3.ListBucketsAsync(ct), ct).ConfigureAwait(false);
            }
            return null;
        }
        catch (StorageException e)
        {
            return e.Kind == StorageErrorKind.NoSuchBucket ? $"the backend bucket {_layout.SharedBucket} does not exist" : e.Message;
        }
    }

    // ---- buckets ----

    public async Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct)
    {
        var buckets = new List<BucketInfo>();
        if (_layout.Mapping == BucketMapping.PrefixInOneBucket)
        {
            foreach (var marker in await ListAllAsync(_layout.SharedBucket!, _layout.BucketMarkersPrefix, ct).ConfigureAwait(false))
            {
                buckets.Add(new BucketInfo(marker.Key[_layout.BucketMarkersPrefix.Length..], ToSeconds(marker.LastModified)));
            }
        }
        else
        {
            var response = await Call(() => _s3.ListBucketsAsync(ct), ct).ConfigureAwait(false);
            foreach (var bucket in response.Buckets ?? [])
            {
                if (_layout.OurBucketName(bucket.BucketName) is { } name)
                {
                    buckets.Add(new BucketInfo(name, ToSeconds(bucket.CreationDate)));
                }
            }
        }
        buckets.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return buckets;
    }

    public async Task CreateBucketAsync(string bucket, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        _configs.Invalidate(bucket);
        if (await BucketExistsAsync(bucket, location, ct).ConfigureAwait(false))
        {
            throw BucketAlreadyExists(bucket);
        }
        if (_layout.Mapping == BucketMapping.PrefixInOneBucket)
        {
            // If-None-Match makes creation atomic on backends that honour it (RGW, AWS); others fall back to the check above.
            try
            {
                await PutInternalAsync(location.Bucket, _layout.BucketMarkerKey(bucket), [], ct, ifNoneMatch: true).ConfigureAwait(false);
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.PreconditionFailed)
            {
                throw BucketAlreadyExists(bucket);
            }
        }
        else
        {
            await Call(() => _s3.PutBucketAsync(new PutBucketRequest { BucketName = location.Bucket }, ct), ct).ConfigureAwait(false);
        }
    }

    public async Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct)
    {
        BackendLocation location;
        try
        {
            location = _layout.Locate(bucket);
        }
        catch (StorageException)
        {
            return null;
        }
        if (_layout.Mapping == BucketMapping.PrefixInOneBucket)
        {
            var marker = await HeadRawAsync(location.Bucket, _layout.BucketMarkerKey(bucket), ct).ConfigureAwait(false);
            return marker is null ? null : new BucketInfo(bucket, ToSeconds(marker.LastModified));
        }
        var response = await Call(() => _s3.ListBucketsAsync(ct), ct).ConfigureAwait(false);
        return (response.Buckets ?? []).FirstOrDefault(b => b.BucketName == location.Bucket) is { } found
            ? new BucketInfo(bucket, ToSeconds(found.CreationDate))
            : null;
    }

    public async Task DeleteBucketAsync(string bucket, CancellationToken ct)
    {
        _configs.Invalidate(bucket);
        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        // Internal objects sort after every key, so the first key listed tells whether any object is left.
        var first = await Call(() => _s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = location.Bucket,
            Prefix = location.KeyPrefix,
            MaxKeys = 1,
        }, ct), ct).ConfigureAwait(false);
        if (first.S3Objects is [var only, ..] && KeyLayout.IsDataKey(location, only.Key))
        {
            throw new StorageException(StorageErrorKind.BucketNotEmpty, $"Bucket {bucket} is not empty.");
        }
        // Uploads in progress are dropped with the bucket, as the filesystem backend does.
        foreach (var upload in await ListBackendUploadsAsync(location, location.KeyPrefix, ct).ConfigureAwait(false))
        {
            await AbortQuietlyAsync(location.Bucket, upload.Key, upload.UploadId).ConfigureAwait(false);
        }
        var internals = await ListAllAsync(location.Bucket, location.InternalPrefix, ct).ConfigureAwait(false);
        await DeleteManyAsync(location.Bucket, internals.Select(o => o.Key), ct).ConfigureAwait(false);
        if (_layout.Mapping == BucketMapping.PrefixInOneBucket)
        {
            await Call(() => _s3.DeleteObjectAsync(location.Bucket, _layout.BucketMarkerKey(bucket), ct), ct).ConfigureAwait(false);
        }
        else
        {
            await Call(() => _s3.DeleteBucketAsync(location.Bucket, ct), ct).ConfigureAwait(false);
        }
        _configs.Invalidate(bucket);
    }

    public async Task<byte[]?> GetBucketConfigAsync(string bucket, string name, CancellationToken ct)
    {
        // Read on every write (bucket default encryption): served from a short-lived per-process cache
        // (S3GatewayOptions.BucketConfigCacheTtl), misses included. Only answers that prove the bucket
        // exists are cached, so NoSuchBucket is always asked of the backend.
        var location = _layout.Locate(bucket);
        if (_configs.TryGet(bucket, name, out var cached))
        {
            return cached;
        }
        var generation = _configs.Generation;
        // One request where possible: in bucket mode the GET itself says NoSuchBucket; in prefix mode
        // a found document proves the bucket, only a miss checks.
        var document = await GetInternalAsync(location.Bucket, KeyLayout.ConfigKey(location, name), ct).ConfigureAwait(false);
        if (document is null && _layout.Mapping == BucketMapping.PrefixInOneBucket)
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
        }
        _configs.Store(bucket, name, document, generation);
        return document;
    }

    public async Task PutBucketConfigAsync(string bucket, string name, ReadOnlyMemory<byte> document, CancellationToken ct)
    {
        _configs.Invalidate(bucket);
        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        try
        {
            await PutInternalAsync(location.Bucket, KeyLayout.ConfigKey(location, name), document.ToArray(), ct).ConfigureAwait(false);
        }
        finally
        {
            // Again after the write: a read racing it may have cached the old document meanwhile.
            _configs.Invalidate(bucket);
        }
    }

    public async Task DeleteBucketConfigAsync(string bucket, string name, CancellationToken ct)
    {
        _configs.Invalidate(bucket);
        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        try
        {
            await Call(() => _s3.DeleteObjectAsync(location.Bucket, KeyLayout.ConfigKey(location, name), ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _configs.Invalidate(bucket);
        }
    }

    // ---- helpers ----

    /// <summary>
    /// Prefix mode: the bucket's marker must exist (one HEAD). Bucket mode: the backend itself
    /// answers NoSuchBucket on the operation that follows, so nothing is checked here.
    /// </summary>
    private async Task<BackendLocation> RequireBucketAsync(string bucket, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        if (_layout.Mapping == BucketMapping.PrefixInOneBucket
            && await HeadRawAsync(location.Bucket, _layout.BucketMarkerKey(bucket), ct).ConfigureAwait(false) is null)
        {
            throw NoSuchBucket(bucket);
        }
        return location;
    }

    private async Task<bool> BucketExistsAsync(string bucket, BackendLocation location, CancellationToken ct)
    {
        if (_layout.Mapping == BucketMapping.PrefixInOneBucket)
        {
            return await HeadRawAsync(location.Bucket, _layout.BucketMarkerKey(bucket), ct).ConfigureAwait(false) is not null;
        }
        try
        {
            await Call(() => _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = location.Bucket }, ct), ct).ConfigureAwait(false);
            return true;
        }
        catch (StorageException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return false;
        }
    }

    /// <summary>Runs one backend call, turning its failures into <see cref="StorageException"/>s.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (BackendErrors.Map(e, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <returns>null when the object does not exist (a missing bucket is reported as missing too: HEAD has no body).</returns>
    private async Task<GetObjectMetadataResponse?> HeadRawAsync(string backendBucket, string backendKey, CancellationToken ct)
    {
        try
        {
            return await Call(() => _s3.GetObjectMetadataAsync(backendBucket, backendKey, ct), ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.InnerException is { } inner && BackendErrors.IsNotFound(inner))
        {
            return null;
        }
    }

    private Task PutInternalAsync(string backendBucket, string backendKey, byte[] body, CancellationToken ct, bool ifNoneMatch = false)
    {
        var request = new PutObjectRequest
        {
            BucketName = backendBucket,
            Key = backendKey,
            InputStream = new MemoryStream(body, writable: false),
            AutoCloseStream = true,
            ContentType = "application/json",
        };
        if (ifNoneMatch)
        {
            request.IfNoneMatch = "*";
        }
        return Call(() => _s3.PutObjectAsync(request, ct), ct);
    }

    /// <returns>null when the object does not exist.</returns>
    /// <exception cref="StorageException">NoSuchBucket, Unavailable.</exception>
    private async Task<byte[]?> GetInternalAsync(string backendBucket, string backendKey, CancellationToken ct)
    {
        try
        {
            using var response = await Call(() => _s3.GetObjectAsync(backendBucket, backendKey, ct), ct).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.NoSuchKey)
        {
            return null;
        }
    }

    /// <summary>Best-effort removal of an internal object; failures leave garbage, never wrong data.</summary>
    private async Task DeleteQuietlyAsync(string backendBucket, string backendKey)
    {
        try
        {
            await _s3.DeleteObjectAsync(backendBucket, backendKey).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException
                                       or Amazon.Runtime.AmazonClientException)
        {
            _logger.LogWarning(e, "Could not remove internal object from backend bucket {Bucket}", backendBucket);
        }
    }

    private async Task AbortQuietlyAsync(string backendBucket, string backendKey, string backendUploadId)
    {
        try
        {
            await _s3.AbortMultipartUploadAsync(backendBucket, backendKey, backendUploadId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException
                                       or Amazon.Runtime.AmazonClientException)
        {
            _logger.LogWarning(e, "Could not abort backend multipart upload in bucket {Bucket}", backendBucket);
        }
    }

    private async Task<List<S3Object>> ListAllAsync(string backendBucket, string prefix, CancellationToken ct)
    {
        var all = new List<S3Object>();
        string? token = null;
        do
        {
            var response = await Call(() => _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = backendBucket,
                Prefix = prefix,
                ContinuationToken = token,
            }, ct), ct).ConfigureAwait(false);
            all.AddRange(response.S3Objects ?? []);
            token = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (token is not null);
        return all;
    }

    private async Task DeleteManyAsync(string backendBucket, IEnumerable<string> keys, CancellationToken ct)
    {
        foreach (var batch in keys.Chunk(1000))
        {
            var response = await Call(() => _s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = backendBucket,
                Quiet = true,
                Objects = [.. batch.Select(k => new KeyVersion { Key = k })],
            }, ct), ct).ConfigureAwait(false);
            if (response.DeleteErrors is [var error, ..])
            {
                throw new StorageException(StorageErrorKind.Unavailable, $"the backend refused to delete an internal object: {error.Code}");
            }
        }
    }

    private static DateTimeOffset ToSeconds(DateTime? value)
    {
        var utc = ToUtc(value);
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private static DateTime ToUtc(DateTime? value) => value switch
    {
        null => DateTime.UnixEpoch,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };

    private static StorageException NoSuchBucket(string bucket) =>
        new(StorageErrorKind.NoSuchBucket, $"Bucket {bucket} does not exist.");

    private static StorageException BucketAlreadyExists(string bucket) =>
        new(StorageErrorKind.BucketAlreadyExists, $"Bucket {bucket} already exists.");

    private static StorageException NoSuchKey(string key) =>
        new(StorageErrorKind.NoSuchKey, $"Object {KeyLayout.Truncate(key)} does not exist.");
}
