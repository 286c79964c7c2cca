namespace StorageOperator.S3Server.Hosting;

/// <summary>A fatal configuration problem, reported to the operator as a one-line message.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
