using Microsoft.Extensions.Logging;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;

namespace StorageOperator.Storage.FileSystem.Startup;

/// <summary>
/// Settles segment folders a crash left in a passing state. Complete renames uploads/{id} to segments/{id}.pending,
/// publishes the object, then renames the folder to segments/{id}; replacing or deleting a segmented object renames
/// its folder to segments/{id}.retired (fsynced), publishes, then moves the folder to the trash. So only folders with
/// one of those two suffixes need a look, and the object at the key in their upload.json decides: a pending folder
/// the object names was published (final name), one it does not name goes back to uploads/{id} so the client's
/// retry of Complete works; a retired folder the object still names was never replaced (final name again), one it
/// does not name is deleted. Folders under their final name are not read: start-up costs one directory listing per
/// bucket plus two small reads per interrupted operation.
/// </summary>
internal static class SegmentRecovery
{
    public static void Recover(DataLayout layout, ILogger logger)
    {
        foreach (var bucketDirectory in Directory.EnumerateDirectories(layout.Buckets))
        {
            var segments = DataLayout.SegmentsDirectory(bucketDirectory);
            if (DataLayout.TryBucketName(Path.GetFileName(bucketDirectory)) is null || !Directory.Exists(segments))
            {
                continue;
            }
            foreach (var folder in Directory.EnumerateDirectories(segments))
            {
                var name = Path.GetFileName(folder);
                var pending = name.EndsWith(DataLayout.PendingSuffix, StringComparison.Ordinal);
                if (!pending && !name.EndsWith(DataLayout.RetiredSuffix, StringComparison.Ordinal))
                {
                    continue;
                }
                var uploadId = name[..name.IndexOf('.', StringComparison.Ordinal)];
                if (!DataLayout.IsUploadId(uploadId))
                {
                    continue;
                }
                try
                {
                    Settle(layout, logger, bucketDirectory, folder, uploadId, pending);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(e, "Could not settle segment folder {Path}", folder);
                }
            }
        }
    }

    private static void Settle(DataLayout layout, ILogger logger, string bucketDirectory, string folder, string uploadId, bool pending)
    {
        var segments = DataLayout.SegmentsDirectory(bucketDirectory);
        if (IsUsed(logger, bucketDirectory, folder, uploadId))
        {
            Directory.Move(folder, Path.Combine(segments, uploadId));
            Durable.SyncDirectory(segments);
            return;
        }
        if (!pending)
        {
            var trash = layout.NewTempPath(".trash");
            Directory.Move(folder, trash);
            Durable.SyncDirectory(segments);
            Durable.TryDeleteDirectory(trash);
            logger.LogInformation("Deleted segments {Path} of an object replaced just before a crash", folder);
            return;
        }
        var uploads = DataLayout.UploadsDirectory(bucketDirectory);
        Durable.EnsureDirectory(bucketDirectory, uploads);
        Directory.Move(folder, Path.Combine(uploads, uploadId));
        Durable.SyncDirectory(uploads);
        Durable.SyncDirectory(segments);
        logger.LogInformation("Returned upload {UploadId} to uploads/: a crash interrupted its completion", uploadId);
    }

    /// <summary>Whether the object at the key of the folder's upload.json names this upload as its segments.</summary>
    private static bool IsUsed(ILogger logger, string bucketDirectory, string folder, string uploadId)
    {
        try
        {
            var upload = MetadataMapper.DeserializeUpload(File.ReadAllBytes(DataLayout.UploadFile(folder)));
            if (DataLayout.TryObjectFile(bucketDirectory, upload.Key) is not { } path || !File.Exists(path))
            {
                return false;
            }
            using var handle = File.OpenHandle(path);
            var (dataLength, json) = StoredFile.ReadObject(handle);
            return dataLength == 0 && MetadataMapper.DeserializeObject(json).Segments?.UploadId == uploadId;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            // an unreadable object cannot be told apart from one using the folder: keep the data
            logger.LogWarning(e, "Kept segment folder {Path}: its upload.json or object is unreadable", folder);
            return true;
        }
    }
}
