using System.Text.Json.Serialization;

namespace StorageOperator.KeyServer.Observability;

public sealed record ErrorEvent(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("message")] string Message);
