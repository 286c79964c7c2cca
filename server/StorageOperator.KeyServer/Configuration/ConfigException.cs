namespace StorageOperator.KeyServer.Configuration;

/// <summary>Every problem found in a config file, reported together.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception("invalid config: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
