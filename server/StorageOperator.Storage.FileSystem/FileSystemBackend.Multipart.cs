using Microsoft.Extensions.Logging;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.FileSystem.Listing;

namespace StorageOperator.Storage.FileSystem;

/// <summary>
/// Multipart uploads: buckets/b{name}/uploads/{id}/ holds upload.json and one file per part
/// (same format as objects). Complete copies no data: (a) it renames the upload's folder to segments/{id}.pending, so
/// no UploadPart can change a part any more, (b) checks the parts against the caller's listing (on failure the folder
/// goes back to uploads/), (c) publishes an object file without data bytes that names the upload and each part's
/// length — the part files, in place, are the object's data — and (d) renames the folder to segments/{id}. Work per
/// Complete is per part, not per byte. A crash before (c) leaves a pending folder no object names; start-up returns
/// it to uploads/ (<see cref="Startup.SegmentRecovery"/>), so completing again works.
/// </summary>
public sealed partial class FileSystemBackend
{
    public Task<string> CreateMultipartUploadAsync(string bucket, string key, ObjectMetadata metadata, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        _ = DataLayout.TryObjectFile(directory, key) ?? throw InvalidKey(key);
        var uploadId = DataLayout.NewUploadId();
        var now = DateTimeOffset.UtcNow;
        var staging = _layout.NewTempPath(".upload");
        try
        {
            Directory.CreateDirectory(staging);
            Durable.WriteNewFile(DataLayout.UploadFile(staging), MetadataMapper.Serialize(new StoredUpload
            {
                Key = key,
                Initiated = now,
                Metadata = MetadataMapper.ToStored(metadata, now),
            }));
            Durable.SyncDirectory(staging);
            using (_bucketLocks.Read(bucket))
            {
                if (!File.Exists(DataLayout.BucketFile(directory)))
                {
                    throw NoSuchBucket(bucket);
                }
                var uploads = DataLayout.UploadsDirectory(directory);
                Directory.Move(staging, Path.Combine(uploads, uploadId));
                Durable.SyncDirectory(uploads);
            }
            return Task.FromResult(uploadId);
        }
        catch
        {
            Durable.TryDeleteDirectory(staging);
            throw;
        }
    }

    public Task<MultipartUploadInfo> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var (_, upload) = ReadUpload(directory, key, uploadId);
        return Task.FromResult(ToInfo(bucket, uploadId, upload));
    }

    public async Task<PartInfo> PutPartAsync(string bucket, string key, string uploadId, int partNumber, Stream data,
        Func<long, PartMetadata> complete, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var (uploadDirectory, _) = ReadUpload(directory, key, uploadId);
        if (partNumber is < 1 or > DataLayout.MaxPartNumber)
        {
            throw new StorageException(StorageErrorKind.InvalidPart, $"Part number {partNumber} is outside 1..10000.");
        }
        var temp = _layout.NewTempPath(".part");
        try
        {
            PartInfo info;
            var (file, size) = await ReceiveAsync(temp, data, ct).ConfigureAwait(false);
            await using (file)
            {
                var metadata = complete(size);
                var stored = MetadataMapper.ToStored(metadata, DateTimeOffset.UtcNow);
                await StoredFile.AppendMetadataAsync(file, size, MetadataMapper.Serialize(stored), StoredFile.PartMagic, ct)
                    .ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                info = new PartInfo(partNumber, size, stored.LastModified, metadata);
            }
            using (_bucketLocks.Read(bucket))
            {
                try
                {
                    Durable.Publish(temp, DataLayout.PartFile(uploadDirectory, partNumber));
                }
                catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException)
                {
                    if (File.Exists(temp))
                    {
                        // the folder was gone before the rename: a Complete has taken it, or an abort removed it
                        throw NoSuchUpload(uploadId);
                    }

                    // Renamed into the folder, which a Complete then took before the folder's fsync: the part is in
                    // the upload (Complete fsyncs the folder before it reads the parts, and puts it back on failure).
                }
            }
            return info;
        }
        catch
        {
            Durable.TryDeleteFile(temp);
            throw;
        }
    }

    public Task<IReadOnlyList<PartInfo>> ListPartsAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var (uploadDirectory, _) = ReadUpload(directory, key, uploadId);
        var parts = new List<PartInfo>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(uploadDirectory))
            {
                if (DataLayout.TryPartNumber(Path.GetFileName(path)) is { } number && TryReadPart(path, number) is { } part)
                {
                    parts.Add(part);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            throw NoSuchUpload(uploadId);
        }
        parts.Sort(static (a, b) => a.PartNumber.CompareTo(b.PartNumber));
        return Task.FromResult<IReadOnlyList<PartInfo>>(parts);
    }

    public async Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId,
        IReadOnlyList<int> partNumbers, ObjectMetadata metadata, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var target = DataLayout.TryObjectFile(directory, key) ?? throw InvalidKey(key);
        var (uploadDirectory, _) = ReadUpload(directory, key, uploadId);
        var segmentDirectory = DataLayout.TrySegmentDirectory(directory, uploadId)!;
        var pending = DataLayout.PendingSegments(segmentDirectory);
        // (a) From here on no UploadPart can replace a part: its rename into uploads/{id} finds no folder.
        MoveUploadFolder(bucket, directory, uploadDirectory, pending, uploadId);
        var temp = _layout.NewTempPath(".object");
        StoredObject stored;
        try
        {
            // An UploadPart that renamed its file in just before may have lost the race to fsync the folder (it
            // answers NoSuchUpload): make the entries about to be validated durable before the object names them.
            Durable.SyncDirectory(pending);
            // (b) the parts as they are now, checked against the listing the caller built the metadata from
            var segments = ReadSegments(pending, partNumbers, metadata);
            stored = MetadataMapper.ToStored(metadata, DateTimeOffset.UtcNow, new StoredSegments { UploadId = uploadId, Parts = segments });
            // (c) an object file with no data that names the segments, published like a PUT
            await WriteMetadataOnlyAsync(temp, stored, ct).ConfigureAwait(false);
            using (await _keyLocks.AcquireAsync(KeyLockName(bucket, key), ct).ConfigureAwait(false))
            {
                PublishObject(bucket, directory, temp, target, precondition: null, segments: uploadId);
                // (d) the final name, before the key lock lets a replace retire the folder. Not fsynced: after a crash
                // a pending folder that its object names is renamed at start-up.
                RenameSegments(pending, segmentDirectory);
            }
        }
        catch
        {
            Durable.TryDeleteFile(temp);
            // not published (a failed fsync after the rename did publish): the upload goes back where it was, so the
            // client can fix its part list or retry
            if (!string.Equals(TryReadSegments(target)?.UploadId, uploadId, StringComparison.Ordinal))
            {
                MoveUploadFolder(bucket, directory, pending, uploadDirectory, uploadId, restoring: true);
            }
            throw;
        }
        DropUnusedParts(segmentDirectory, partNumbers);
        return new ObjectInfo(bucket, key, stored.SizeWith(0), stored.LastModified, metadata);
    }

    /// <summary>
    /// Renames an upload's folder between uploads/ and segments/ and fsyncs both parents. Under the bucket read lock,
    /// so the bucket cannot be deleted in between; a rename is atomic with respect to UploadPart's publish.
    /// </summary>
    private void MoveUploadFolder(string bucket, string bucketDirectory, string from, string to, string uploadId, bool restoring = false)
    {
        using (_bucketLocks.Read(bucket))
        {
            try
            {
                if (!File.Exists(DataLayout.BucketFile(bucketDirectory)))
                {
                    throw NoSuchBucket(bucket);
                }
                // buckets created before segments existed get the folder on their first Complete
                Durable.EnsureDirectory(bucketDirectory, Path.GetDirectoryName(to)!);
                try
                {
                    Directory.Move(from, to);
                }
                catch (DirectoryNotFoundException)
                {
                    throw NoSuchUpload(uploadId); // completed or aborted meanwhile
                }
                Durable.SyncDirectory(Path.GetDirectoryName(to)!);
                Durable.SyncDirectory(Path.GetDirectoryName(from)!);
            }
            catch (Exception e) when (restoring)
            {
                // start-up puts an unused segment folder back in uploads/
                _logger.LogWarning(e, "Could not return upload {UploadId} to uploads/ after a failed completion", uploadId);
            }
        }
    }

    private void RenameSegments(string pending, string segmentDirectory)
    {
        try
        {
            Directory.Move(pending, segmentDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // readers find the pending name too, and start-up renames it
            _logger.LogWarning(e, "Could not give segment folder {Path} its final name", pending);
        }
    }

    /// <summary>
    /// Opens each part to complete and checks it against the caller's listing; returns the segments in order.
    /// A part file is opened by one handle at a time.
    /// </summary>
    private static List<StoredSegment> ReadSegments(string segmentDirectory, IReadOnlyList<int> partNumbers, ObjectMetadata metadata)
    {
        var segments = new List<StoredSegment>(partNumbers.Count);
        for (var index = 0; index < partNumbers.Count; index++)
        {
            var number = partNumbers[index];
            var path = number is >= 1 and <= DataLayout.MaxPartNumber ? DataLayout.PartFile(segmentDirectory, number) : null;
            using var handle = (path is null ? null : TryOpenRead(path))
                ?? throw new StorageException(StorageErrorKind.InvalidPart, $"Part {number} was not uploaded.");
            var (length, json) = StoredFile.Read(handle, StoredFile.PartMagic);
            RequireUnchangedPart(metadata, index, number, length, json);
            segments.Add(new StoredSegment(number, length));
        }
        return segments;
    }

    /// <summary>Deletes the parts uploaded but left out of the object (best effort: they only cost space until the object goes).</summary>
    private static void DropUnusedParts(string segmentDirectory, IReadOnlyList<int> partNumbers)
    {
        var used = partNumbers.ToHashSet();
        try
        {
            foreach (var path in Directory.EnumerateFiles(segmentDirectory))
            {
                if (DataLayout.TryPartNumber(Path.GetFileName(path)) is { } number && !used.Contains(number))
                {
                    Durable.TryDeleteFile(path);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the object was replaced and its folder moved to the trash meanwhile
        }
    }

    /// <summary>
    /// The caller built the object's metadata (ETag, part sizes used to find part boundaries) from a part listing; a
    /// part re-uploaded since then (a retried UploadPart still in flight) must not be joined under the old description.
    /// </summary>
    private static void RequireUnchangedPart(ObjectMetadata metadata, int index, int number, long length, byte[] json)
    {
        if (metadata.Parts.Count != 0 && (index >= metadata.Parts.Count || metadata.Parts[index].Number != number))
        {
            throw new ArgumentException("ObjectMetadata.Parts must list the parts being completed, in order.", nameof(metadata));
        }

        if (metadata.Parts.Count == 0)
        {
            return;
        }

        var expected = metadata.Parts[index];
        if (expected.Size != length || !string.Equals(expected.ETag, MetadataMapper.DeserializePart(json).ETag, StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorKind.InvalidPart, $"Part {number} was replaced while the upload was being completed.");
        }
    }

    public Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var (uploadDirectory, _) = ReadUpload(directory, key, uploadId);
        if (!RemoveUpload(uploadDirectory))
        {
            throw NoSuchUpload(uploadId);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MultipartUploadInfo>> ListMultipartUploadsAsync(string bucket, string? prefix, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var uploads = new List<(byte[] Key, MultipartUploadInfo Info)>();
        foreach (var uploadDirectory in Directory.EnumerateDirectories(DataLayout.UploadsDirectory(directory)))
        {
            var uploadId = Path.GetFileName(uploadDirectory);
            if (!DataLayout.IsUploadId(uploadId) || TryReadUploadFile(uploadDirectory) is not { } upload)
            {
                continue;
            }
            if (prefix is { Length: > 0 } && !upload.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            uploads.Add((KeyCodec.TryGetBytes(upload.Key) ?? [], ToInfo(bucket, uploadId, upload)));
        }
        uploads.Sort(static (a, b) =>
        {
            var byKey = ByteOrder.Compare(a.Key, b.Key);
            return byKey != 0 ? byKey : a.Info.Initiated.CompareTo(b.Info.Initiated);
        });
        return Task.FromResult<IReadOnlyList<MultipartUploadInfo>>([.. uploads.Select(u => u.Info)]);
    }

    // ---- helpers ----

    private (string Directory, StoredUpload Upload) ReadUpload(string bucketDirectory, string key, string uploadId)
    {
        var uploadDirectory = DataLayout.TryUploadDirectory(bucketDirectory, uploadId) ?? throw NoSuchUpload(uploadId);
        var upload = TryReadUploadFile(uploadDirectory);
        if (upload is null || !string.Equals(upload.Key, key, StringComparison.Ordinal))
        {
            throw NoSuchUpload(uploadId);
        }
        return (uploadDirectory, upload);
    }

    private StoredUpload? TryReadUploadFile(string uploadDirectory)
    {
        try
        {
            return MetadataMapper.DeserializeUpload(File.ReadAllBytes(DataLayout.UploadFile(uploadDirectory)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            _logger.LogWarning(e, "Ignored upload {Path} with an unreadable upload.json", uploadDirectory);
            return null;
        }
    }

    private PartInfo? TryReadPart(string path, int number)
    {
        if (TryOpenRead(path) is not { } handle)
        {
            return null;
        }
        using (handle)
        {
            try
            {
                var (length, json) = StoredFile.Read(handle, StoredFile.PartMagic);
                var stored = MetadataMapper.DeserializePart(json);
                return new PartInfo(number, length, stored.LastModified, MetadataMapper.ToMetadata(stored));
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                _logger.LogWarning(e, "Skipped unreadable part file {Path}", path);
                return null;
            }
        }
    }

    /// <summary>Moves the upload to tmp/ (one atomic step), then deletes it; false if it was already gone.</summary>
    private bool RemoveUpload(string uploadDirectory)
    {
        var trash = _layout.NewTempPath(".trash");
        try
        {
            Directory.Move(uploadDirectory, trash);
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        Durable.SyncDirectory(Path.GetDirectoryName(uploadDirectory)!);
        Durable.TryDeleteDirectory(trash);
        return true;
    }

    private static MultipartUploadInfo ToInfo(string bucket, string uploadId, StoredUpload upload) =>
        new(bucket, upload.Key, uploadId, upload.Initiated, MetadataMapper.ToMetadata(upload.Metadata));

    private static StorageException NoSuchUpload(string uploadId) =>
        new(StorageErrorKind.NoSuchUpload, $"Upload {uploadId} does not exist.");
}
