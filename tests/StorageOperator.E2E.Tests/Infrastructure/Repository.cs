namespace StorageOperator.E2E.Tests.Infrastructure;

/// <summary>Paths inside the repository, found by walking up from the test binaries to StorageOperator.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() => FindRoot(AppContext.BaseDirectory));

    public static string Root => LazyRoot.Value;

    public static string Chart => Path("charts", "storage-operator");

    public static string Crds => Path("crds");

    public static string ChartCrds => Path("charts", "storage-operator", "files", "crds");

    public static string Images => Path("images");

    public static string Examples => Path("examples");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "StorageOperator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no StorageOperator.sln above {start}");
    }
}
