using Microsoft.Extensions.Logging;

namespace StorageOperator.S3Server.Pipeline;

/// <summary>The level of the per-request access log line, from <c>STORAGE_ACCESS_LOG</c>.</summary>
public static class AccessLog
{
    public const string EnvironmentVariable = "STORAGE_ACCESS_LOG";

    /// <summary><c>on</c> (or true/1/yes): Information; anything else, or unset: Debug.</summary>
    public static LogLevel Level(string? setting) =>
        setting?.Trim().ToLowerInvariant() is "on" or "true" or "1" or "yes" ? LogLevel.Information : LogLevel.Debug;
}
