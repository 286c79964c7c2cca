namespace StorageOperator.Operator.Crds;

/// <summary>I/O edge of CRD generation: writes and compares the generated files.</summary>
public static class CrdFiles
{
    public static IReadOnlyList<string> Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var (name, yaml) in CrdGenerator.GenerateFiles())
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, yaml);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Names of files that are missing or differ from what the C# types generate.</summary>
    public static IReadOnlyList<string> Drift(string directory) =>
        CrdGenerator.GenerateFiles()
            .Where(f => !File.Exists(Path.Combine(directory, f.Key)) || File.ReadAllText(Path.Combine(directory, f.Key)) != f.Value)
            .Select(f => f.Key)
            .ToList();
}
