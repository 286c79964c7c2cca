using System.Text.Json;

namespace StorageOperator.Storage.FileSystem.Format;

/// <summary>Converts between the public metadata records and their stored JSON form.</summary>
internal static class MetadataMapper
{
    public static StoredObject ToStored(ObjectMetadata metadata, DateTimeOffset lastModified, StoredSegments? segments = null) => new()
    {
        ETag = metadata.ETag,
        LastModified = lastModified,
        Headers = new Dictionary<string, string>(metadata.Headers, StringComparer.Ordinal),
        Parts = [.. metadata.Parts.Select(p => new StoredObjectPart(p.Number, p.Size, p.ActualSize, p.ETag))],
        Segments = segments,
    };

    public static ObjectMetadata ToMetadata(StoredObject stored) => new()
    {
        ETag = stored.ETag,
        Headers = ToHeaders(stored.Headers),
        Parts = [.. stored.Parts.Select(p => new ObjectPart(p.Number, p.Size, p.ActualSize, p.ETag))],
    };

    public static StoredPart ToStored(PartMetadata metadata, DateTimeOffset lastModified) => new()
    {
        ETag = metadata.ETag,
        ActualSize = metadata.ActualSize,
        LastModified = lastModified,
        Headers = new Dictionary<string, string>(metadata.Headers, StringComparer.Ordinal),
    };

    public static PartMetadata ToMetadata(StoredPart stored) =>
        new(stored.ETag, stored.ActualSize, ToHeaders(stored.Headers));

    public static byte[] Serialize(StoredObject value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, StoredJsonContext.Default.StoredObject);

    public static byte[] Serialize(StoredPart value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, StoredJsonContext.Default.StoredPart);

    public static byte[] Serialize(StoredUpload value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, StoredJsonContext.Default.StoredUpload);

    public static byte[] Serialize(StoredBucket value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, StoredJsonContext.Default.StoredBucket);

    public static StoredObject DeserializeObject(byte[] json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.StoredObject) ?? throw new InvalidDataException("null metadata");

    public static StoredPart DeserializePart(byte[] json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.StoredPart) ?? throw new InvalidDataException("null metadata");

    public static StoredUpload DeserializeUpload(byte[] json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.StoredUpload) ?? throw new InvalidDataException("null upload");

    public static StoredBucket DeserializeBucket(byte[] json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.StoredBucket) ?? throw new InvalidDataException("null bucket");

    /// <summary>Header names are HTTP field names: give the S3 layer case-insensitive lookups (first spelling wins).</summary>
    private static Dictionary<string, string> ToHeaders(Dictionary<string, string> stored)
    {
        var headers = new Dictionary<string, string>(stored.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in stored)
        {
            headers.TryAdd(name, value);
        }
        return headers;
    }
}
