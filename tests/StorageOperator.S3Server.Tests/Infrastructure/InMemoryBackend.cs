using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Tests.Infrastructure;

/// <summary>
/// A small, thread-safe <see cref="IStorageBackend"/> kept in memory: shows the S3 layer depends only on the
/// seam, and gives handler tests a backend without disk. Not for large objects.
/// </summary>
public sealed class InMemoryBackend(TimeProvider? time = null) : IStorageBackend
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private int _uploadCounter;

    private sealed class Bucket(DateTimeOffset created)
    {
        public DateTimeOffset Created { get; } = created;

        public ConcurrentDictionary<string, (ObjectInfo Info, byte[] Data)> Objects { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte[]> Configs { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, Upload> Uploads { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Upload(MultipartUploadInfo info)
    {
        public MultipartUploadInfo Info { get; } = info;

        public ConcurrentDictionary<int, (PartInfo Info, byte[] Data)> Parts { get; } = new();
    }

    private Bucket Get(string bucket) =>
        _buckets.TryGetValue(bucket, out var b) ? b : throw new StorageException(StorageErrorKind.NoSuchBucket, bucket);

    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BucketInfo>>(_buckets.Select(kv => new BucketInfo(kv.Key, kv.Value.Created)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList());

    public Task CreateBucketAsync(string bucket, CancellationToken ct) =>
        _buckets.TryAdd(bucket, new Bucket(_time.GetUtcNow()))
            ? Task.CompletedTask
            : throw new StorageException(StorageErrorKind.BucketAlreadyExists, bucket);

    public Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct) =>
        Task.FromResult(_buckets.TryGetValue(bucket, out var b) ? new BucketInfo(bucket, b.Created) : null);

    public Task DeleteBucketAsync(string bucket, CancellationToken ct)
    {
        if (!Get(bucket).Objects.IsEmpty)
        {
            throw new StorageException(StorageErrorKind.BucketNotEmpty, bucket);
        }

        _buckets.TryRemove(bucket, out _);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetBucketConfigAsync(string bucket, string name, CancellationToken ct) =>
        Task.FromResult(Get(bucket).Configs.TryGetValue(name, out var d) ? d : null);

    public Task PutBucketConfigAsync(string bucket, string name, ReadOnlyMemory<byte> document, CancellationToken ct)
    {
        Get(bucket).Configs[name] = document.ToArray();
        return Task.CompletedTask;
    }

    public Task DeleteBucketConfigAsync(string bucket, string name, CancellationToken ct)
    {
        Get(bucket).Configs.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    public async Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream data, Func<long, ObjectMetadata> complete, CancellationToken ct,
        Func<ObjectInfo?, Exception?>? precondition = null)
    {
        var b = Get(bucket);
        using var ms = new MemoryStream();
        await data.CopyToAsync(ms, ct);
        var bytes = ms.ToArray();
        var info = new ObjectInfo(bucket, key, bytes.Length, _time.GetUtcNow(), complete(bytes.Length));
        lock (b)
        {
            if (precondition?.Invoke(b.Objects.TryGetValue(key, out var current) ? current.Info : null) is { } failure)
            {
                throw failure;
            }

            b.Objects[key] = (info, bytes);
        }

        return info;
    }

    public Task<ObjectInfo?> GetObjectInfoAsync(string bucket, string key, CancellationToken ct) =>
        Task.FromResult(Get(bucket).Objects.TryGetValue(key, out var o) ? o.Info : null);

    public Task<ObjectReader> OpenObjectAsync(string bucket, string key, CancellationToken ct) =>
        Get(bucket).Objects.TryGetValue(key, out var o)
            ? Task.FromResult(new ObjectReader(o.Info, new MemoryStream(o.Data, writable: false)))
            : throw new StorageException(StorageErrorKind.NoSuchKey, key);

    public Task<ObjectInfo> UpdateObjectMetadataAsync(string bucket, string key, string expectedETag, ObjectMetadata metadata, CancellationToken ct)
    {
        var b = Get(bucket);
        if (!b.Objects.TryGetValue(key, out var o))
        {
            throw new StorageException(StorageErrorKind.NoSuchKey, key);
        }

        if (o.Info.Metadata.ETag != expectedETag)
        {
            throw new StorageException(StorageErrorKind.PreconditionFailed, key);
        }

        var info = o.Info with { Metadata = metadata, LastModified = _time.GetUtcNow() };
        b.Objects[key] = (info, o.Data);
        return Task.FromResult(info);
    }

    public Task DeleteObjectAsync(string bucket, string key, CancellationToken ct)
    {
        Get(bucket).Objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<ListResult> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct)
    {
        var keys = Get(bucket).Objects.Values.Select(o => o.Info)
            .Where(o => o.Key.StartsWith(request.Prefix, StringComparison.Ordinal))
            .OrderBy(o => Encoding.UTF8.GetBytes(o.Key), ByteOrder.Instance).ToList();
        var objects = new List<ObjectInfo>();
        var prefixes = new List<string>();
        string? last = null;
        var truncated = false;
        foreach (var o in keys)
        {
            var entry = o.Key;
            string? prefix = null;
            if (request.Delimiter is { Length: > 0 } d)
            {
                var i = o.Key.IndexOf(d, request.Prefix.Length, StringComparison.Ordinal);
                if (i >= 0)
                {
                    prefix = o.Key[..(i + d.Length)];
                    entry = prefix;
                }
            }

            if (request.StartAfter is { } after && Compare(entry, after) <= 0)
            {
                continue;
            }

            if (prefix is not null && prefixes.Count > 0 && prefixes[^1] == prefix)
            {
                continue;
            }

            if (objects.Count + prefixes.Count == request.MaxKeys)
            {
                truncated = true;
                break;
            }

            if (prefix is null)
            {
                objects.Add(o);
            }
            else
            {
                prefixes.Add(prefix);
            }

            last = entry;
        }

        return Task.FromResult(new ListResult(objects, prefixes, truncated, truncated ? last : null));
    }

    public Task<string> CreateMultipartUploadAsync(string bucket, string key, ObjectMetadata metadata, CancellationToken ct)
    {
        var id = "upload-" + Interlocked.Increment(ref _uploadCounter).ToString(CultureInfo.InvariantCulture);
        Get(bucket).Uploads[id] = new Upload(new MultipartUploadInfo(bucket, key, id, _time.GetUtcNow(), metadata));
        return Task.FromResult(id);
    }

    private Upload GetUpload(string bucket, string key, string uploadId) =>
        Get(bucket).Uploads.TryGetValue(uploadId, out var u) && u.Info.Key == key ? u : throw new StorageException(StorageErrorKind.NoSuchUpload, uploadId);

    public Task<MultipartUploadInfo> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct) =>
        Task.FromResult(GetUpload(bucket, key, uploadId).Info);

    public async Task<PartInfo> PutPartAsync(string bucket, string key, string uploadId, int partNumber, Stream data, Func<long, PartMetadata> complete, CancellationToken ct)
    {
        var upload = GetUpload(bucket, key, uploadId);
        using var ms = new MemoryStream();
        await data.CopyToAsync(ms, ct);
        var bytes = ms.ToArray();
        var info = new PartInfo(partNumber, bytes.Length, _time.GetUtcNow(), complete(bytes.Length));
        upload.Parts[partNumber] = (info, bytes);
        return info;
    }

    public Task<IReadOnlyList<PartInfo>> ListPartsAsync(string bucket, string key, string uploadId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PartInfo>>(GetUpload(bucket, key, uploadId).Parts.Values.Select(p => p.Info).OrderBy(p => p.PartNumber).ToList());

    public Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<int> partNumbers, ObjectMetadata metadata, CancellationToken ct)
    {
        var b = Get(bucket);
        var upload = GetUpload(bucket, key, uploadId);
        var data = partNumbers.SelectMany(n => upload.Parts.TryGetValue(n, out var p) ? p.Data : throw new StorageException(StorageErrorKind.InvalidPart, n.ToString(CultureInfo.InvariantCulture))).ToArray();
        var info = new ObjectInfo(bucket, key, data.Length, _time.GetUtcNow(), metadata);
        b.Objects[key] = (info, data);
        b.Uploads.TryRemove(uploadId, out _);
        return Task.FromResult(info);
    }

    public Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        GetUpload(bucket, key, uploadId);
        Get(bucket).Uploads.TryRemove(uploadId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MultipartUploadInfo>> ListMultipartUploadsAsync(string bucket, string? prefix, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<MultipartUploadInfo>>(Get(bucket).Uploads.Values.Select(u => u.Info)
            .Where(u => prefix is null || u.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(u => Encoding.UTF8.GetBytes(u.Key), ByteOrder.Instance).ThenBy(u => u.Initiated).ToList());

    private static int Compare(string a, string b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
