namespace StorageOperator.KeyServer.Cli;

/// <summary>Parsed "key-server VERB [words] --flag value …". Flags may repeat (e.g. --host).</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _flags = new(StringComparer.Ordinal);

    private CommandLine(List<string> words) => Words = words;

    public IReadOnlyList<string> Words { get; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        var line = new CommandLine(words);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                words.Add(arg);
                continue;
            }

            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                value = "true";
            }

            if (!line._flags.TryGetValue(name, out var values))
            {
                line._flags[name] = values = [];
            }

            values.Add(value);
        }

        return line;
    }

    public string? Flag(string name) => _flags.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string> Flags(string name) => _flags.TryGetValue(name, out var values) ? values : [];

    public bool Has(string name) => _flags.ContainsKey(name);
}
