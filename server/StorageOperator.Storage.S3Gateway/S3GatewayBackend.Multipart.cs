using Microsoft.Extensions.Logging;
using Amazon.S3.Model;
using StorageOperator.Storage.S3Gateway.Format;
using StorageOperator.Storage.S3Gateway.IO;
using StorageOperator.Storage.S3Gateway.Layout;

namespace StorageOperator.Storage.S3Gateway;

/// <summary>
/// Our multipart upload is a backend multipart upload on the final key (same part numbers), so
/// completing it concatenates nothing in the gateway. Nothing is kept in memory between requests:
/// the upload id is the backend's id (encoded), the upload's metadata is an upload record, and
/// each part's metadata is a part record named by (part number, backend part ETag) — the record
/// that counts is the one whose ETag the backend still lists for that part, so a part uploaded
/// twice at once can never pair one upload's bytes with the other's metadata.
/// </summary>
public sealed partial class S3GatewayBackend
{
    private sealed record OpenUpload(BackendLocation Location, string BackendKey, string BackendUploadId, UploadRecord Record);

    public async Task<string> CreateMultipartUploadAsync(string bucket, string key, ObjectMetadata metadata, CancellationToken ct)
    {
        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        var backendKey = KeyLayout.DataKey(location, key);
        var version = NewVersion();
        var now = DateTimeOffset.UtcNow;
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = location.Bucket,
            Key = backendKey,
            ContentType = "application/octet-stream",
        };
        AddMetadata(initiate.Metadata, version, inline: null);
        var backendUploadId = (await Call(() => _s3.InitiateMultipartUploadAsync(initiate, ct), ct).ConfigureAwait(false)).UploadId;
        var record = new UploadRecord { Key = key, Initiated = now, Version = version, Metadata = MetadataCodec.ToStored(metadata, now) };
        try
        {
            await PutInternalAsync(location.Bucket, KeyLayout.UploadRecordKey(location, backendUploadId), MetadataCodec.Serialize(record), ct)
                .ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(location.Bucket, backendKey, backendUploadId).ConfigureAwait(false);
            throw;
        }
        return UploadIdCodec.Encode(backendUploadId);
    }

    public async Task<MultipartUploadInfo> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var upload = await OpenUploadAsync(bucket, key, uploadId, ct).ConfigureAwait(false);
        return ToInfo(bucket, uploadId, upload.Record);
    }

    public async Task<PartInfo> PutPartAsync(string bucket, string key, string uploadId, int partNumber, Stream data,
        Func<long, PartMetadata> complete, CancellationToken ct)
    {
        var upload = await OpenUploadAsync(bucket, key, uploadId, ct).ConfigureAwait(false);
        if (partNumber is < 1 or > MaxPartNumber)
        {
            throw new StorageException(StorageErrorKind.InvalidPart, $"Part number {partNumber} is outside 1..10000.");
        }
        // A backend part is one request of known length: hold the part (memory up to the part size, then a temp file).
        using var buffer = new PartBuffer(_options.PartSize);
        await buffer.FillAsync(data, long.MaxValue, ct).ConfigureAwait(false);
        var metadata = complete(buffer.Length);
        var part = await UploadPartAsync(upload.Location.Bucket, upload.BackendKey, upload.BackendUploadId, partNumber, buffer, ct)
            .ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var record = new PartRecord
        {
            ETag = metadata.ETag,
            ActualSize = metadata.ActualSize,
            Headers = new Dictionary<string, string>(metadata.Headers, StringComparer.Ordinal),
            Size = buffer.Length,
            LastModified = now,
        };
        await PutInternalAsync(upload.Location.Bucket,
            KeyLayout.PartRecordKey(upload.Location, upload.BackendUploadId, partNumber, part.ETag), MetadataCodec.Serialize(record), ct)
            .ConfigureAwait(false);
        return new PartInfo(partNumber, buffer.Length, now, metadata);
    }

    public async Task<IReadOnlyList<PartInfo>> ListPartsAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var upload = await OpenUploadAsync(bucket, key, uploadId, ct).ConfigureAwait(false);
        var parts = await CurrentPartsAsync(upload, ct).ConfigureAwait(false);
        var infos = new PartInfo?[parts.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, parts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ListConcurrency, CancellationToken = ct },
            async (i, token) =>
            {
                var (detail, recordKey) = parts[i];
                if (await GetInternalAsync(upload.Location.Bucket, recordKey, token).ConfigureAwait(false) is { } json)
                {
                    var record = MetadataCodec.DeserializePart(json);
                    infos[i] = new PartInfo(detail.PartNumber ?? 0, detail.Size ?? 0, record.LastModified,
                        new PartMetadata(record.ETag, record.ActualSize, new Dictionary<string, string>(record.Headers, StringComparer.OrdinalIgnoreCase)));
                }
            }).ConfigureAwait(false);
        return [.. infos.OfType<PartInfo>()];
    }

    public async Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId,
        IReadOnlyList<int> partNumbers, ObjectMetadata metadata, CancellationToken ct)
    {
        var upload = await OpenUploadAsync(bucket, key, uploadId, ct).ConfigureAwait(false);
        var current = (await CurrentPartsAsync(upload, ct).ConfigureAwait(false))
            .ToDictionary(p => p.Detail.PartNumber ?? 0, p => p.Detail);
        var chosen = new List<PartETag>(partNumbers.Count);
        long size = 0;
        foreach (var number in partNumbers)
        {
            if (!current.TryGetValue(number, out var detail))
            {
                throw new StorageException(StorageErrorKind.InvalidPart, $"Part {number} was not uploaded.");
            }
            chosen.Add(new PartETag(number, detail.ETag));
            size += detail.Size ?? 0;
        }
        var location = upload.Location;
        var now = DateTimeOffset.UtcNow;
        var sidecarKey = KeyLayout.SidecarKey(location, key, upload.Record.Version);
        // The backend object carries the upload's version id since Create; its metadata must exist before it is visible.
        await PutInternalAsync(location.Bucket, sidecarKey, MetadataCodec.Serialize(MetadataCodec.ToStored(metadata, now)), ct)
            .ConfigureAwait(false);
        try
        {
            await Call(() => _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = location.Bucket,
                Key = upload.BackendKey,
                UploadId = upload.BackendUploadId,
                PartETags = chosen,
            }, ct), ct).ConfigureAwait(false);
        }
        catch
        {
            await DeleteQuietlyAsync(location.Bucket, sidecarKey).ConfigureAwait(false);
            throw;
        }
        await RemoveUploadRecordsAsync(upload).ConfigureAwait(false);
        await SweepSidecarsAsync(location, key, upload.Record.Version).ConfigureAwait(false);
        return new ObjectInfo(bucket, key, size, now, metadata);
    }

    public async Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var upload = await OpenUploadAsync(bucket, key, uploadId, ct).ConfigureAwait(false);
        await Call(() => _s3.AbortMultipartUploadAsync(upload.Location.Bucket, upload.BackendKey, upload.BackendUploadId, ct), ct)
            .ConfigureAwait(false);
        await RemoveUploadRecordsAsync(upload).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MultipartUploadInfo>> ListMultipartUploadsAsync(string bucket, string? prefix, CancellationToken ct)
    {
        var location = await RequireBucketAsync(bucket, ct).ConfigureAwait(false);
        var backendUploads = (await ListBackendUploadsAsync(location, location.KeyPrefix + (prefix ?? ""), ct).ConfigureAwait(false))
            .Where(u => KeyLayout.IsDataKey(location, u.Key))
            .ToList();
        var infos = new MultipartUploadInfo?[backendUploads.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, backendUploads.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ListConcurrency, CancellationToken = ct },
            async (i, token) =>
            {
                var backend = backendUploads[i];
                // Uploads without a record are the gateway's own (large PUTs in flight), not the client's.
                if (await GetInternalAsync(location.Bucket, KeyLayout.UploadRecordKey(location, backend.UploadId), token).ConfigureAwait(false)
                        is { } json
                    && MetadataCodec.DeserializeUpload(json) is var record
                    && location.KeyPrefix + record.Key == backend.Key)
                {
                    infos[i] = ToInfo(bucket, UploadIdCodec.Encode(backend.UploadId), record);
                }
            }).ConfigureAwait(false);
        var list = infos.OfType<MultipartUploadInfo>().ToList();
        list.Sort(static (a, b) =>
        {
            var byKey = Utf8Compare(a.Key, b.Key);
            return byKey != 0 ? byKey : a.Initiated.CompareTo(b.Initiated);
        });
        return list;
    }

    // ---- helpers ----

    private async Task<OpenUpload> OpenUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        var backendKey = KeyLayout.DataKey(location, key);
        if (UploadIdCodec.TryDecode(uploadId) is not { } backendUploadId)
        {
            throw NoSuchUpload(uploadId);
        }
        var json = await GetInternalAsync(location.Bucket, KeyLayout.UploadRecordKey(location, backendUploadId), ct).ConfigureAwait(false);
        if (json is null)
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
            throw NoSuchUpload(uploadId);
        }
        var record = MetadataCodec.DeserializeUpload(json);
        if (!string.Equals(record.Key, key, StringComparison.Ordinal))
        {
            throw NoSuchUpload(uploadId);
        }
        return new OpenUpload(location, backendKey, backendUploadId, record);
    }

    /// <summary>The backend's parts that have our record, in part-number order, with the record's key.</summary>
    private async Task<List<(PartDetail Detail, string RecordKey)>> CurrentPartsAsync(OpenUpload upload, CancellationToken ct)
    {
        var location = upload.Location;
        var details = new List<PartDetail>();
        int? marker = null;
        while (true)
        {
            var response = await Call(() => _s3.ListPartsAsync(new ListPartsRequest
            {
                BucketName = location.Bucket,
                Key = upload.BackendKey,
                UploadId = upload.BackendUploadId,
                PartNumberMarker = marker?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, ct), ct).ConfigureAwait(false);
            details.AddRange(response.Parts ?? []);
            if (response.IsTruncated != true || response.NextPartNumberMarker is not { } next || next == marker)
            {
                break;
            }
            marker = next;
        }
        var records = (await ListAllAsync(location.Bucket, KeyLayout.PartRecordPrefix(location, upload.BackendUploadId), ct).ConfigureAwait(false))
            .Select(o => o.Key)
            .ToHashSet(StringComparer.Ordinal);
        return [.. details
            .Select(d => (Detail: d, RecordKey: KeyLayout.PartRecordKey(location, upload.BackendUploadId, d.PartNumber ?? 0, d.ETag)))
            .Where(p => records.Contains(p.RecordKey))
            .OrderBy(p => p.Detail.PartNumber)];
    }

    private async Task RemoveUploadRecordsAsync(OpenUpload upload)
    {
        var location = upload.Location;
        try
        {
            var parts = await ListAllAsync(location.Bucket, KeyLayout.PartRecordPrefix(location, upload.BackendUploadId), CancellationToken.None)
                .ConfigureAwait(false);
            await DeleteManyAsync(location.Bucket,
                [.. parts.Select(p => p.Key), KeyLayout.UploadRecordKey(location, upload.BackendUploadId)], CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            _logger.LogWarning(e, "Could not remove the records of a finished upload");
        }
    }

    private async Task<List<MultipartUpload>> ListBackendUploadsAsync(BackendLocation location, string prefix, CancellationToken ct)
    {
        var all = new List<MultipartUpload>();
        string? keyMarker = null, uploadIdMarker = null;
        while (true)
        {
            var response = await Call(() => _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = location.Bucket,
                Prefix = prefix,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            }, ct), ct).ConfigureAwait(false);
            all.AddRange(response.MultipartUploads ?? []);
            if (response.IsTruncated != true || (response.NextKeyMarker == keyMarker && response.NextUploadIdMarker == uploadIdMarker))
            {
                return all;
            }
            (keyMarker, uploadIdMarker) = (response.NextKeyMarker, response.NextUploadIdMarker);
        }
    }

    private static MultipartUploadInfo ToInfo(string bucket, string uploadId, UploadRecord record) =>
        new(bucket, record.Key, uploadId, record.Initiated, MetadataCodec.ToMetadata(record.Metadata));

    private static StorageException NoSuchUpload(string uploadId) =>
        new(StorageErrorKind.NoSuchUpload, $"Upload {uploadId} does not exist.");
}
