namespace StorageOperator.Operator.Tests.Support;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Crds => Path.Combine(Root, "crds");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StorageOperator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (StorageOperator.sln) not found");
    }
}
