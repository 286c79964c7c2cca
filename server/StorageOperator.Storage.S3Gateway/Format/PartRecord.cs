using System.Text.Json.Serialization;

namespace StorageOperator.Storage.S3Gateway.Format;

/// <summary>Our metadata of one uploaded part (the backend's part ETag differs from ours when encrypted).</summary>
internal sealed class PartRecord
{
    [JsonPropertyName("e")] public required string ETag { get; init; }
    [JsonPropertyName("a")] public long ActualSize { get; init; }
    [JsonPropertyName("h")] public Dictionary<string, string> Headers { get; init; } = [];
    [JsonPropertyName("s")] public long Size { get; init; }
    [JsonPropertyName("t")] public DateTimeOffset LastModified { get; init; }
}
