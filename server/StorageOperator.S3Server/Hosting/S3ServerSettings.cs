namespace StorageOperator.S3Server.Hosting;

/// <summary>Request-time settings the handlers need (immutable).</summary>
/// <param name="Domain">virtual-host style base domain, or null for path-style only.</param>
public sealed record S3ServerSettings(string Region, string? Domain, bool MetricsEnabled = true);
