namespace StorageOperator.Storage.FileSystem.Startup;

/// <summary>
/// An exclusive advisory lock (flock) on the data directory's .lock file. The backend's key and
/// bucket locks are in-process, and start-up wipes tmp/, so two processes must never share a
/// data directory. The kernel drops the lock when the process dies, even by SIGKILL.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    public static DataDirectoryLock Acquire(string path)
    {
        try
        {
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None,
                bufferSize: 0));
        }
        catch (IOException e)
        {
            throw new StorageException(StorageErrorKind.Unavailable,
                $"The data directory is in use by another storage backend ({path} is locked).", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
