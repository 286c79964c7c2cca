namespace StorageOperator.Operator.Tests.Support;

public static class Examples
{
    public static string Read(string file) => File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", file));
}
