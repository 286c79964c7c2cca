using Microsoft.Extensions.Logging;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.FileSystem.Listing;

namespace StorageOperator.Storage.FileSystem;

/// <summary>
/// Multipart uploads: buckets/b{name}/uploads/{id}/ holds upload.json and one file per part
/// (same format as objects). Complete copies the parts into a temp object (shared blocks on reflink filesystems,
/// direct I/O both ways elsewhere, see <see cref="JoinPartsAsync"/>), publishes it like
/// a PUT, then removes the upload; a crash between those two steps leaves the upload in place, and
/// completing it again republishes the same object.
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
                catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException
                                            && !Directory.Exists(uploadDirectory))
                {
                    throw NoSuchUpload(uploadId);
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
        var temp = _layout.NewTempPath(".object");
        long size;
        var stored = MetadataMapper.ToStored(metadata, DateTimeOffset.UtcNow);
        try
        {
            (var file, size) = await JoinPartsAsync(temp, uploadDirectory, uploadId, partNumbers, metadata, ct).ConfigureAwait(false);
            await using (file)
            {
                await StoredFile.AppendMetadataAsync(file, size, MetadataMapper.Serialize(stored), StoredFile.ObjectMagic, ct)
                    .ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            using (await _keyLocks.AcquireAsync(KeyLockName(bucket, key), ct).ConfigureAwait(false))
            {
                PublishObject(bucket, directory, temp, target,
                    () => Directory.Exists(uploadDirectory) ? null : NoSuchUpload(uploadId));
            }
        }
        catch
        {
            Durable.TryDeleteFile(temp);
            throw;
        }
        RemoveUpload(uploadDirectory);
        return new ObjectInfo(bucket, key, size, stored.LastModified, metadata);
    }

    /// <summary>
    /// Writes the parts' data one after another into the new file <paramref name="temp"/>; returns the file positioned
    /// after the data. On reflink filesystems inside the kernel (blocks shared, nothing written); elsewhere with direct
    /// I/O both ways when the backend uses it (ext4 would otherwise pull every byte through fresh page cache twice),
    /// else with <c>copy_file_range</c>.
    /// </summary>
    private async Task<(FileStream File, long Size)> JoinPartsAsync(string temp, string uploadDirectory, string uploadId,
        IReadOnlyList<int> partNumbers, ObjectMetadata metadata, CancellationToken ct)
    {
        if (_directIo && !_reflinks && DirectWrite.TryCreate(temp) is { } handle)
        {
            try
            {
                await using var parts = new PartSequenceStream(partNumbers.Count, index =>
                {
                    var (part, length) = OpenPartToJoin(uploadDirectory, uploadId, partNumbers, metadata, index);
                    var direct = length > AlignedBuffer.Size ? DirectRead.TryReopen(part) : null;
                    return new FileRangeStream(part, length, direct);
                });
                var size = await DirectWrite.CopyAsync(parts, handle, ct, DirectIoRefused).ConfigureAwait(false);
                return (new FileStream(handle, FileAccess.Write, bufferSize: 0) { Position = size }, size);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        var file = CreateTempFile(temp);
        try
        {
            long size = 0;
            var writeback = new Writeback(file.SafeFileHandle);
            for (var index = 0; index < partNumbers.Count; index++)
            {
                var (part, length) = OpenPartToJoin(uploadDirectory, uploadId, partNumbers, metadata, index);
                using (part)
                {
                    await StreamCopy.CopyRangeAsync(part, length, file, writeback, ct).ConfigureAwait(false);
                }

                size += length;
            }

            return (file, size);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens the <paramref name="index"/>-th part to join, checked against the caller's listing; returns its data length.</summary>
    private static (Microsoft.Win32.SafeHandles.SafeFileHandle Handle, long Length) OpenPartToJoin(string uploadDirectory, string uploadId,
        IReadOnlyList<int> partNumbers, ObjectMetadata metadata, int index)
    {
        var number = partNumbers[index];
        var path = number is >= 1 and <= DataLayout.MaxPartNumber ? DataLayout.PartFile(uploadDirectory, number) : null;
        var handle = (path is null ? null : TryOpenRead(path))
            ?? throw (Directory.Exists(uploadDirectory)
                ? new StorageException(StorageErrorKind.InvalidPart, $"Part {number} was not uploaded.")
                : NoSuchUpload(uploadId));
        try
        {
            var (length, json) = StoredFile.Read(handle, StoredFile.PartMagic);
            RequireUnchangedPart(metadata, index, number, length, json);
            return (handle, length);
        }
        catch
        {
            handle.Dispose();
            throw;
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
