using System.Text.Json.Serialization;

namespace StorageOperator.Storage.S3Gateway.Format;

/// <summary>Our <see cref="ObjectMetadata"/> plus the object's own last-modified time, as stored in the backend.</summary>
internal sealed class StoredMetadata
{
    [JsonPropertyName("e")] public required string ETag { get; init; }
    [JsonPropertyName("h")] public Dictionary<string, string> Headers { get; init; } = [];
    [JsonPropertyName("p")] public List<StoredPart>? Parts { get; init; }
    [JsonPropertyName("t")] public DateTimeOffset LastModified { get; init; }
}

internal sealed record StoredPart(
    [property: JsonPropertyName("n")] int Number,
    [property: JsonPropertyName("s")] long Size,
    [property: JsonPropertyName("a")] long ActualSize,
    [property: JsonPropertyName("e")] string ETag);
