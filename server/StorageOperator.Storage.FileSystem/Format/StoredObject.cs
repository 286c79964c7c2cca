using System.Text.Json.Serialization;

namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>The JSON metadata of an object file (and of an upload's future object).</summary>
internal sealed class StoredObject
{
    public required string ETag { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public Dictionary<string, string> Headers { get; init; } = [];
    public List<StoredObjectPart> Parts { get; init; } = [];

    /// <summary>
    /// Set for a completed multipart object, whose file then holds no data bytes; null (and absent from the JSON,
    /// so files written before segments existed read the same) when the data is inside the object file.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StoredSegments? Segments { get; init; }

    /// <summary>The object's size: its own data, or the sum of its segments.</summary>
    public long SizeWith(long dataLength)
    {
        if (Segments is null)
        {
            return dataLength;
        }
        if (dataLength != 0)
        {
            throw new InvalidDataException("An object file with segments holds data bytes too.");
        }
        long size = 0;
        foreach (var segment in Segments.Parts)
        {
            size += segment.Length >= 0 ? segment.Length : throw new InvalidDataException("Negative segment length.");
        }
        return size;
    }
}
