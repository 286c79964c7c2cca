namespace StorageOperator.Storage.Tests.Support;

/// <summary>
/// A sandbox folder under the system temp folder with the data directory inside it, so a test can
/// check that nothing was written next to the data directory. Deleted on dispose.
/// </summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Sandbox = Path.Combine(Path.GetTempPath(), "so-storage-tests-" + Guid.NewGuid().ToString("N"));
        Data = Path.Combine(Sandbox, "data");
        Directory.CreateDirectory(Sandbox);
    }

    public string Sandbox { get; }
    public string Data { get; }
    public string Temp => Path.Combine(Data, "tmp");

    public string[] TempEntries() =>
        Directory.Exists(Temp) ? Directory.GetFileSystemEntries(Temp) : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Sandbox, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
