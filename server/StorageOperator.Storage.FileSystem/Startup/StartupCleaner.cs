using Microsoft.Extensions.Logging;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;

namespace StorageOperator.Storage.FileSystem.Startup;

/// <summary>
/// Removes what interrupted operations left behind. Every write stages in tmp/ and becomes
/// visible only by a rename out of it, so whatever is still in tmp/ at start-up was never
/// acknowledged (or was already trash) and can go.
/// </summary>
internal static class StartupCleaner
{
    public static int Clean(DataLayout layout, ILogger logger)
    {
        var removed = 0;
        foreach (var entry in new DirectoryInfo(layout.Temp).EnumerateFileSystemInfos())
        {
            try
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Could not remove leftover {Path} from the temp folder", entry.FullName);
            }
        }
        if (removed > 0)
        {
            Durable.SyncDirectory(layout.Temp);
            logger.LogInformation("Removed {Count} leftovers of interrupted writes from {Path}", removed, layout.Temp);
        }
        return removed;
    }
}
