using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using StorageOperator.Storage.FileSystem.Concurrency;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.FileSystem.Listing;
using StorageOperator.Storage.FileSystem.Startup;
using StorageOperator.Storage.FileSystem.Trash;

namespace StorageOperator.Storage.FileSystem;

/// <summary>
/// The embedded default backend: buckets, objects and uploads as files under one data directory
/// (layout in <see cref="DataLayout"/>, key mapping in <see cref="KeyCodec"/>, file format in
/// <see cref="StoredFile"/>). Every write is staged in tmp/, fsynced, then renamed into place and
/// the directory fsynced, so an acknowledged write survives a crash and a reader sees either the
/// old or the new object, data and metadata together. One process owns a data directory at a time
/// (a lock file), start-up removes leftovers of interrupted writes; dispose to release the lock.
/// A completed multipart object's file holds only metadata; its data are the upload's part files, kept in place
/// (see FileSystemBackend.Multipart.cs). Replacing or deleting such an object moves that folder to a trash where
/// it stays readable for a grace period (<see cref="SegmentTrash"/>).
/// </summary>
public sealed partial class FileSystemBackend : IStorageBackend, IDisposable
{
    private readonly DataLayout _layout;
    private readonly ILogger _logger;
    private readonly DataDirectoryLock _directoryLock;
    private readonly KeyLockTable _keyLocks = new();
    private readonly BucketLockTable _bucketLocks = new();
    private volatile bool _directIo;
    private readonly SegmentTrash _trash;

    /// <param name="directIo">write large objects and parts with O_DIRECT (<see cref="DirectWrite"/>) where the
    /// filesystem allows it; off (<c>STORAGE_ODIRECT=off</c>) writes everything through the page cache.</param>
    public FileSystemBackend(string dataDirectory, ILogger<FileSystemBackend>? logger = null, bool directIo = true)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _directIo = directIo && DirectWrite.Supported;
        _layout = new DataLayout(dataDirectory);
        _trash = new SegmentTrash(_layout, _logger);
        Directory.CreateDirectory(_layout.Root);
        _directoryLock = DataDirectoryLock.Acquire(_layout.LockFile);
        try
        {
            Directory.CreateDirectory(_layout.Temp);
            Directory.CreateDirectory(_layout.Buckets);
            Durable.SyncDirectory(_layout.Root);
            StartupCleaner.Clean(_layout, _logger);
            SegmentRecovery.Recover(_layout, _logger);
        }
        catch
        {
            _directoryLock.Dispose();
            throw;
        }
        _trash.Start();
    }

    public string DataDirectory => _layout.Root;

    /// <summary>How long the segments of a replaced or deleted multipart object stay readable for GETs already streaming it.</summary>
    internal TimeSpan TrashGracePeriod
    {
        get => _trash.GracePeriod;
        set => _trash.GracePeriod = value;
    }

    /// <summary>Deletes expired trash now (otherwise on a timer and after deletes); returns how many entries.</summary>
    internal int PurgeTrash() => _trash.Purge();

    public void Dispose()
    {
        _trash.Dispose();
        _directoryLock.Dispose();
    }

    // ---- buckets ----

    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct)
    {
        var buckets = new List<BucketInfo>();
        foreach (var directory in Directory.EnumerateDirectories(_layout.Buckets))
        {
            if (DataLayout.TryBucketName(Path.GetFileName(directory)) is { } name && ReadBucket(directory) is { } stored)
            {
                buckets.Add(new BucketInfo(name, stored.Created));
            }
        }
        buckets.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Task.FromResult<IReadOnlyList<BucketInfo>>(buckets);
    }

    public Task CreateBucketAsync(string bucket, CancellationToken ct)
    {
        var directory = _layout.TryBucketDirectory(bucket)
            ?? throw new StorageException(StorageErrorKind.InvalidKey, "The bucket name cannot be stored.");
        if (File.Exists(DataLayout.BucketFile(directory)))
        {
            throw BucketAlreadyExists(bucket);
        }
        // Build the whole bucket in tmp/, then one rename makes it exist (or lose the race).
        var staging = _layout.NewTempPath(".bucket");
        try
        {
            Directory.CreateDirectory(DataLayout.ObjectsDirectory(staging));
            Directory.CreateDirectory(DataLayout.UploadsDirectory(staging));
            Directory.CreateDirectory(DataLayout.SegmentsDirectory(staging));
            Directory.CreateDirectory(DataLayout.ConfigDirectory(staging));
            Durable.WriteNewFile(DataLayout.BucketFile(staging),
                MetadataMapper.Serialize(new StoredBucket { Created = DateTimeOffset.UtcNow }));
            Durable.SyncDirectory(staging);
            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                throw BucketAlreadyExists(bucket);
            }
            Durable.SyncDirectory(_layout.Buckets);
        }
        catch
        {
            Durable.TryDeleteDirectory(staging);
            throw;
        }
        return Task.CompletedTask;
    }

    public Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct)
    {
        var directory = _layout.TryBucketDirectory(bucket);
        return Task.FromResult(directory is not null && ReadBucket(directory) is { } stored
            ? new BucketInfo(bucket, stored.Created)
            : null);
    }

    public Task DeleteBucketAsync(string bucket, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var trash = _layout.NewTempPath(".trash");
        using (_bucketLocks.Write(bucket))
        {
            if (!File.Exists(DataLayout.BucketFile(directory)))
            {
                throw NoSuchBucket(bucket);
            }
            // Only objects keep a bucket alive; uploads in progress are dropped with it.
            var objects = Directory.EnumerateFiles(DataLayout.ObjectsDirectory(directory), "*",
                new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 });
            if (objects.Any())
            {
                throw new StorageException(StorageErrorKind.BucketNotEmpty, $"Bucket {bucket} is not empty.");
            }
            Directory.Move(directory, trash);
            Durable.SyncDirectory(_layout.Buckets);
        }
        Durable.TryDeleteDirectory(trash);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetBucketConfigAsync(string bucket, string name, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        if (DataLayout.TryConfigFile(directory, name) is not { } file)
        {
            return Task.FromResult<byte[]?>(null);
        }
        try
        {
            return Task.FromResult<byte[]?>(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<byte[]?>(null);
        }
    }

    public Task PutBucketConfigAsync(string bucket, string name, ReadOnlyMemory<byte> document, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var file = DataLayout.TryConfigFile(directory, name)
            ?? throw new StorageException(StorageErrorKind.InvalidKey, "The configuration name cannot be stored.");
        var temp = _layout.NewTempPath(".config");
        try
        {
            Durable.WriteNewFile(temp, document.Span);
            using (_bucketLocks.Read(bucket))
            {
                if (!File.Exists(DataLayout.BucketFile(directory)))
                {
                    throw NoSuchBucket(bucket);
                }
                Durable.Publish(temp, file);
            }
        }
        catch
        {
            Durable.TryDeleteFile(temp);
            throw;
        }
        return Task.CompletedTask;
    }

    public Task DeleteBucketConfigAsync(string bucket, string name, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        if (DataLayout.TryConfigFile(directory, name) is not { } file)
        {
            return Task.CompletedTask;
        }
        using (_bucketLocks.Read(bucket))
        {
            if (!File.Exists(DataLayout.BucketFile(directory)))
            {
                throw NoSuchBucket(bucket);
            }
            File.Delete(file);
            Durable.SyncDirectory(DataLayout.ConfigDirectory(directory));
        }
        return Task.CompletedTask;
    }

    // ---- objects ----

    public async Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream data,
        Func<long, ObjectMetadata> complete, CancellationToken ct, Func<ObjectInfo?, Exception?>? precondition = null)
    {
        var directory = RequireBucket(bucket);
        var target = DataLayout.TryObjectFile(directory, key) ?? throw InvalidKey(key);
        var temp = _layout.NewTempPath(".object");
        try
        {
            ObjectInfo info;
            var (file, size) = await ReceiveAsync(temp, data, ct).ConfigureAwait(false);
            await using (file)
            {
                var metadata = complete(size);
                var stored = MetadataMapper.ToStored(metadata, DateTimeOffset.UtcNow);
                await StoredFile.AppendMetadataAsync(file, size, MetadataMapper.Serialize(stored), StoredFile.ObjectMagic, ct)
                    .ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                info = new ObjectInfo(bucket, key, size, stored.LastModified, metadata);
            }
            using (await _keyLocks.AcquireAsync(KeyLockName(bucket, key), ct).ConfigureAwait(false))
            {
                // Under the key lock no other publish of this key can slip between the check and the rename.
                // GetObjectInfoAsync completes synchronously (a file read), so this does not block on I/O waits.
                PublishObject(bucket, directory, temp, target, precondition is null
                    ? null
                    : () => precondition(GetObjectInfoAsync(bucket, key, ct).GetAwaiter().GetResult()));
            }
            return info;
        }
        catch
        {
            Durable.TryDeleteFile(temp);
            throw;
        }
    }

    public Task<ObjectInfo?> GetObjectInfoAsync(string bucket, string key, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        if (DataLayout.TryObjectFile(directory, key) is not { } path || TryOpenRead(path) is not { } handle)
        {
            return Task.FromResult<ObjectInfo?>(null);
        }
        using (handle)
        {
            return Task.FromResult<ObjectInfo?>(ReadObjectInfo(handle, bucket, key).Info);
        }
    }

    public Task<ObjectReader> OpenObjectAsync(string bucket, string key, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var path = DataLayout.TryObjectFile(directory, key) ?? throw NoSuchKey(key);
        for (var attempt = 1; ; attempt++)
        {
            var handle = TryOpenRead(path) ?? throw NoSuchKey(key);
            try
            {
                var (info, dataLength, stored) = ReadObjectInfo(handle, bucket, key);
                if (stored.Segments is { } segments)
                {
                    handle.Dispose();
                    if (OpenSegments(directory, key, segments, lastAttempt: attempt == 3) is not { } stream)
                    {
                        continue; // replaced between reading its file and opening its segments: read the new version
                    }
                    return Task.FromResult(new ObjectReader(info, stream));
                }
                // large objects are read like they were written: past the page cache
                var direct = _directIo && dataLength > AlignedBuffer.Size ? DirectRead.TryReopen(handle) : null;
                return Task.FromResult(new ObjectReader(info, new FileRangeStream(handle, dataLength, direct)));
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// A stream over a multipart object's segments; null when the folder is gone and this is not the last attempt.
    /// The folder is opened now, so the version just read stays readable if it is replaced meanwhile; the segment
    /// files are opened as the reader reaches them.
    /// </summary>
    private SegmentedRangeStream? OpenSegments(string bucketDirectory, string key, StoredSegments segments, bool lastAttempt)
    {
        var path = DataLayout.TrySegmentDirectory(bucketDirectory, segments.UploadId)
            ?? throw new InvalidDataException($"Object {Truncate(key)} names invalid segments {segments.UploadId}.");
        // Complete renames the folder to its final name just after publishing, a replace renames it just before
        if ((SegmentFolder.TryOpen(path) ?? SegmentFolder.TryOpen(DataLayout.PendingSegments(path))
                ?? SegmentFolder.TryOpen(DataLayout.RetiredSegments(path))) is not { } folder)
        {
            return lastAttempt ? throw new IOException($"The segments of object {Truncate(key)} are missing ({path}).") : null;
        }
        try
        {
            return new SegmentedRangeStream([.. segments.Parts.Select(p => p.Length)], index => OpenSegment(folder, segments.Parts[index]), folder);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    private FileRangeStream OpenSegment(SegmentFolder folder, StoredSegment segment)
    {
        var handle = segment.Number is >= 1 and <= DataLayout.MaxPartNumber
            ? folder.TryOpenFile(DataLayout.PartFileName(segment.Number))
            : null;
        if (handle is null)
        {
            throw new IOException($"Segment {segment.Number} is missing from {folder}.");
        }
        try
        {
            var (length, _) = StoredFile.Read(handle, StoredFile.PartMagic);
            if (length != segment.Length)
            {
                throw new InvalidDataException($"Segment {segment.Number} in {folder} holds {length} bytes, not {segment.Length}.");
            }
            var direct = _directIo && length > AlignedBuffer.Size ? DirectRead.TryReopen(handle) : null;
            return new FileRangeStream(handle, length, direct);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public async Task<ObjectInfo> UpdateObjectMetadataAsync(string bucket, string key, string expectedETag,
        ObjectMetadata metadata, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var path = DataLayout.TryObjectFile(directory, key) ?? throw NoSuchKey(key);
        using (await _keyLocks.AcquireAsync(KeyLockName(bucket, key), ct).ConfigureAwait(false))
        {
            var temp = _layout.NewTempPath(".object");
            try
            {
                long dataLength;
                StoredObject old;
                using (var handle = TryOpenRead(path) ?? throw NoSuchKey(key))
                {
                    (dataLength, var json) = StoredFile.ReadObject(handle);
                    old = MetadataMapper.DeserializeObject(json);
                    if (!string.Equals(old.ETag, expectedETag, StringComparison.Ordinal))
                    {
                        throw new StorageException(StorageErrorKind.PreconditionFailed,
                            $"Object {key} changed: its ETag is no longer {expectedETag}.");
                    }
                }
                // a multipart object keeps its segments: the new file names them as the old one did
                var stored = MetadataMapper.ToStored(metadata, DateTimeOffset.UtcNow, old.Segments);
                if (old.Segments is not null)
                {
                    await WriteMetadataOnlyAsync(temp, stored, ct).ConfigureAwait(false);
                }
                else
                {
                    // The key lock keeps the file at `path` the version just checked. File.Copy lets the
                    // kernel copy (or reflink), then the old metadata is cut off and the new appended.
                    File.Copy(path, temp);
                    await using var file = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0);
                    file.SetLength(dataLength);
                    file.Seek(dataLength, SeekOrigin.Begin);
                    await StoredFile.AppendMetadataAsync(file, dataLength, MetadataMapper.Serialize(stored),
                        StoredFile.ObjectMagic, ct).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
                PublishObject(bucket, directory, temp, path, precondition: null, segments: old.Segments?.UploadId);
                return new ObjectInfo(bucket, key, stored.SizeWith(dataLength), stored.LastModified, metadata);
            }
            catch
            {
                Durable.TryDeleteFile(temp);
                throw;
            }
        }
    }

    public async Task DeleteObjectAsync(string bucket, string key, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        if (DataLayout.TryObjectFile(directory, key) is not { } path)
        {
            return;
        }
        using (await _keyLocks.AcquireAsync(KeyLockName(bucket, key), ct).ConfigureAwait(false))
        using (_bucketLocks.Read(bucket))
        {
            var parent = Path.GetDirectoryName(path)!;
            string? retired;
            try
            {
                if (!File.Exists(path))
                {
                    return;
                }
                retired = RetireSegments(directory, path, keep: null);
                try
                {
                    File.Delete(path);
                    Durable.SyncDirectory(parent);
                }
                catch when (retired is not null)
                {
                    SettleRetired(retired, path);
                    throw;
                }
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            if (retired is not null)
            {
                _trash.Add(retired);
            }
            Durable.PruneEmptyDirectories(DataLayout.ObjectsDirectory(directory), parent);
        }
    }

    public Task<ListResult> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct)
    {
        var directory = RequireBucket(bucket);
        var prefix = KeyCodec.TryGetBytes(request.Prefix ?? "");
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : KeyCodec.TryGetBytes(request.Delimiter);
        var startAfter = string.IsNullOrEmpty(request.StartAfter) ? null : KeyCodec.TryGetBytes(request.StartAfter);
        if (prefix is null || (request.Delimiter is { Length: > 0 } && delimiter is null)
            || (request.StartAfter is { Length: > 0 } && startAfter is null))
        {
            throw new StorageException(StorageErrorKind.InvalidKey, "Prefix, delimiter or marker is not valid UTF-16.");
        }
        var walker = new KeyTreeWalker(DataLayout.ObjectsDirectory(directory), prefix, startAfter, delimiter);
        return Task.FromResult(ListingFold.Fold(walker, prefix, delimiter, startAfter, request.MaxKeys,
            entry => TryReadListedObject(bucket, entry), ct));
    }

    // ---- helpers ----

    private ObjectInfo? TryReadListedObject(string bucket, KeyTreeEntry entry)
    {
        string key;
        try
        {
            key = KeyCodec.GetString(entry.Key);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null; // a foreign file whose name decodes to invalid UTF-8
        }
        if (TryOpenRead(entry.Path) is not { } handle)
        {
            return null; // deleted since the directory was read
        }
        using (handle)
        {
            try
            {
                return ReadObjectInfo(handle, bucket, key).Info;
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                _logger.LogWarning(e, "Skipped unreadable object file {Path} while listing", entry.Path);
                return null;
            }
        }
    }

    private static (ObjectInfo Info, long DataLength, StoredObject Stored) ReadObjectInfo(SafeFileHandle handle, string bucket, string key)
    {
        var (dataLength, json) = StoredFile.ReadObject(handle);
        var stored = MetadataMapper.DeserializeObject(json);
        return (new ObjectInfo(bucket, key, stored.SizeWith(dataLength), stored.LastModified, MetadataMapper.ToMetadata(stored)),
            dataLength, stored);
    }

    /// <summary>
    /// Renames a fully written, fsynced temp file over the key's file. Caller holds the key lock.
    /// A concurrent delete of a neighbour may prune a directory between creating and renaming: retry.
    /// If the replaced object had segments other than <paramref name="segments"/> (the new file's), they go to the
    /// trash once the new file is in place.
    /// </summary>
    private void PublishObject(string bucket, string bucketDirectory, string temp, string target,
        Func<Exception?>? precondition, string? segments = null)
    {
        using (_bucketLocks.Read(bucket))
        {
            if (!File.Exists(DataLayout.BucketFile(bucketDirectory)))
            {
                throw NoSuchBucket(bucket);
            }
            if (precondition?.Invoke() is { } failure)
            {
                throw failure;
            }
            var retired = RetireSegments(bucketDirectory, target, keep: segments);
            var objectsRoot = DataLayout.ObjectsDirectory(bucketDirectory);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Durable.EnsureDirectory(objectsRoot, Path.GetDirectoryName(target)!);
                    Durable.Publish(temp, target);
                    break;
                }
                catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException
                                            && attempt < 16 && File.Exists(temp))
                {
                    _logger.LogDebug("Retrying publish of {Target}: a directory vanished", target);
                }
                catch when (retired is not null)
                {
                    SettleRetired(retired, target);
                    throw;
                }
            }
            if (retired is not null)
            {
                _trash.Add(retired);
            }
        }
    }

    /// <summary>
    /// Reads which segments the object file at <paramref name="path"/> uses; unless they are <paramref name="keep"/>,
    /// renames their folder to its retired name, durably, before the caller replaces or deletes the file (after a
    /// crash that name sends start-up to check the object, see <see cref="SegmentRecovery"/>), and returns the new
    /// path. Caller holds the key lock. Null for objects without segments.
    /// </summary>
    private string? RetireSegments(string bucketDirectory, string path, string? keep)
    {
        var segments = TryReadSegments(path);
        if (segments is null || string.Equals(segments.UploadId, keep, StringComparison.Ordinal)
            || DataLayout.TrySegmentDirectory(bucketDirectory, segments.UploadId) is not { } folder)
        {
            return null;
        }
        var retired = DataLayout.RetiredSegments(folder);
        // normally under its final name; still pending if Complete's last rename failed
        foreach (var current in new[] { folder, DataLayout.PendingSegments(folder) })
        {
            try
            {
                Directory.Move(current, retired);
                Durable.SyncDirectory(DataLayout.SegmentsDirectory(bucketDirectory));
                return retired;
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
        _logger.LogWarning("Object file {Path} names segments {Folder} that do not exist", path, folder);
        return null;
    }

    /// <summary>
    /// After a replace or delete failed: if the object file still names the retired segments (nothing happened), they
    /// get their final name back; if it does not (it failed after the rename, e.g. in the fsync), they go to the trash.
    /// </summary>
    private void SettleRetired(string retired, string objectPath)
    {
        var folder = retired[..^DataLayout.RetiredSuffix.Length];
        if (!string.Equals(TryReadSegments(objectPath)?.UploadId, Path.GetFileName(folder), StringComparison.Ordinal))
        {
            _trash.Add(retired);
            return;
        }
        try
        {
            Directory.Move(retired, folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // readers find the retired name too, and start-up renames it back
            _logger.LogWarning(e, "Could not rename {Path} back after a failed replace", retired);
        }
    }

    /// <summary>The segments the object file at <paramref name="path"/> names; null if none (or no readable file).</summary>
    private StoredSegments? TryReadSegments(string path)
    {
        if (TryOpenRead(path) is not { } handle)
        {
            return null;
        }
        using (handle)
        {
            try
            {
                var (dataLength, json) = StoredFile.ReadObject(handle);
                return dataLength == 0 ? MetadataMapper.DeserializeObject(json).Segments : null;
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                _logger.LogWarning(e, "Object file {Path} is unreadable", path);
                return null;
            }
        }
    }

    /// <summary>Writes and fsyncs an object file with no data bytes: a multipart object's data are its segments.</summary>
    private static async Task WriteMetadataOnlyAsync(string temp, StoredObject stored, CancellationToken ct)
    {
        await using var file = CreateTempFile(temp);
        await StoredFile.AppendMetadataAsync(file, 0, MetadataMapper.Serialize(stored), StoredFile.SegmentedObjectMagic, ct).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Creates the temp file <paramref name="temp"/> and streams <paramref name="data"/> into it; returns the file
    /// positioned after the data, for the metadata to be appended.
    /// </summary>
    private async Task<(FileStream File, long Size)> ReceiveAsync(string temp, Stream data, CancellationToken ct)
    {
        if (_directIo)
        {
            if (DirectWrite.TryCreate(temp) is { } handle)
            {
                try
                {
                    var size = await DirectWrite.CopyAsync(data, handle, ct, DirectIoRefused).ConfigureAwait(false);
                    return (new FileStream(handle, FileAccess.Write, bufferSize: 0) { Position = size }, size);
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }
            }

            DirectIoRefused();
        }

        var file = CreateTempFile(temp);
        try
        {
            return (file, await StreamCopy.CopyAsync(data, file, new Writeback(file.SafeFileHandle), ct).ConfigureAwait(false));
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void DirectIoRefused()
    {
        if (_directIo)
        {
            _directIo = false;
            _logger.LogInformation("The filesystem of {Path} refuses O_DIRECT; objects are written through the page cache", _layout.Root);
        }
    }

    private static FileStream CreateTempFile(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        BufferSize = 0, // StreamCopy already writes 1 MiB blocks
        Options = FileOptions.Asynchronous,
    });

    private static SafeFileHandle? TryOpenRead(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string RequireBucket(string bucket)
    {
        var directory = _layout.TryBucketDirectory(bucket);
        if (directory is null || !File.Exists(DataLayout.BucketFile(directory)))
        {
            throw NoSuchBucket(bucket);
        }
        return directory;
    }

    private StoredBucket? ReadBucket(string bucketDirectory)
    {
        try
        {
            return MetadataMapper.DeserializeBucket(File.ReadAllBytes(DataLayout.BucketFile(bucketDirectory)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            _logger.LogWarning(e, "Ignored bucket directory {Path} with an unreadable bucket.json", bucketDirectory);
            return null;
        }
    }

    private static string KeyLockName(string bucket, string key) => $"{bucket.Length}:{bucket}/{key}";

    private static StorageException NoSuchBucket(string bucket) =>
        new(StorageErrorKind.NoSuchBucket, $"Bucket {bucket} does not exist.");

    private static StorageException BucketAlreadyExists(string bucket) =>
        new(StorageErrorKind.BucketAlreadyExists, $"Bucket {bucket} already exists.");

    private static StorageException NoSuchKey(string key) =>
        new(StorageErrorKind.NoSuchKey, $"Object {Truncate(key)} does not exist.");

    private static StorageException InvalidKey(string key) =>
        new(StorageErrorKind.InvalidKey, $"Key {Truncate(key)} cannot be stored (empty, over 1024 UTF-8 bytes, or invalid UTF-16).");

    private static string Truncate(string key) => key.Length <= 200 ? key : key[..200] + "…";
}
