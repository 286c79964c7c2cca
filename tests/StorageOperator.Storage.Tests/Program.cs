namespace StorageOperator.Storage.Tests;

/// <summary>
/// The test assembly's entry point, unused by the test runner. The crash-safety test starts this
/// assembly as a child process (<c>dotnet StorageOperator.Storage.Tests.dll crash-writer DIR</c>) and kills it.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["crash-writer", var dataDirectory])
        {
            await Support.CrashWriter.RunAsync(dataDirectory);
            return 0;
        }
        await Console.Error.WriteLineAsync("usage: crash-writer DATA_DIRECTORY");
        return 2;
    }
}
