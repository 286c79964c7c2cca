using System.Text.Json.Serialization;

namespace StorageOperator.KeyServer.Observability;

/// <summary>One audit line. Holds the request path (key names), never bodies, so never key material.</summary>
public sealed record AuditEvent(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("latency_ms")] double LatencyMs);
