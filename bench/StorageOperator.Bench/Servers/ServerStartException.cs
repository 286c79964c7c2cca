namespace StorageOperator.Bench.Servers;

/// <summary>A child server did not come up; the message carries the tail of its log.</summary>
public sealed class ServerStartException(string message) : Exception(message);
