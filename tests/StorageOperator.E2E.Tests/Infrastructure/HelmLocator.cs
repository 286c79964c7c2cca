namespace StorageOperator.E2E.Tests.Infrastructure;

/// <summary>
/// Finds the helm binary that <c>make tools</c> installs into the repository's <c>.tools/</c>. A missing
/// binary fails the test instead of skipping it: CI runs <c>make tools</c> first, so absence is a setup bug.
/// </summary>
public static class HelmLocator
{
    public static string Locate() => Locate(Repository.Root);

    public static string Locate(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, ".tools", "helm");
        if (!File.Exists(path))
        {
            throw new HelmNotFoundException(
                $"helm is not installed at {path}. Run `make tools` in {repositoryRoot} (it unpacks helm v4 into .tools/), then re-run the tests.");
        }
        return path;
    }
}
