using Microsoft.Extensions.Logging;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;

namespace StorageOperator.Storage.FileSystem.Startup;

/// <summary>
/// Settles segment folders that no object uses after a crash. Complete renames uploads/{id} to segments/{id} before
/// it publishes the object; replacing or deleting a segmented object marks its folder retired, publishes, then moves
/// the folder to the trash. So a folder whose object (found through the key in its upload.json) does not name it
/// is either a Complete that never published — it goes back to uploads/{id}, and the client's retry of Complete
/// works — or, when marked retired, the leftover of a replaced object, which is deleted. A retired marker in a
/// folder its object still names is a replace that never published: the marker goes.
/// Costs one directory listing per bucket and two small reads per completed multipart object.
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
                var uploadId = Path.GetFileName(folder);
                if (!DataLayout.IsUploadId(uploadId))
                {
                    continue;
                }
                try
                {
                    Settle(layout, logger, bucketDirectory, folder, uploadId);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(e, "Could not check segment folder {Path}", folder);
                }
            }
        }
    }

    private static void Settle(DataLayout layout, ILogger logger, string bucketDirectory, string folder, string uploadId)
    {
        var marker = DataLayout.RetiredMarker(folder);
        var retired = File.Exists(marker);
        if (IsUsed(logger, bucketDirectory, folder, uploadId))
        {
            if (retired)
            {
                File.Delete(marker);
                Durable.SyncDirectory(folder);
            }
            return;
        }
        var segments = Path.GetDirectoryName(folder)!;
        if (retired)
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

    /// <summary>Whether the object at the key of the folder's upload.json names this folder as its segments.</summary>
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
            var (dataLength, json) = StoredFile.Read(handle, StoredFile.ObjectMagic);
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
