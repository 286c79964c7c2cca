using System.Text.Json.Serialization;

namespace StorageOperator.Storage.S3Gateway.Format;

/// <summary>One of our multipart uploads, stored in the backend so any replica can serve it.</summary>
internal sealed class UploadRecord
{
    [JsonPropertyName("k")] public required string Key { get; init; }
    [JsonPropertyName("i")] public DateTimeOffset Initiated { get; init; }

    /// <summary>The version id the completed object will carry (its metadata sidecar's name).</summary>
    [JsonPropertyName("v")] public required string Version { get; init; }
    [JsonPropertyName("m")] public required StoredMetadata Metadata { get; init; }
}
