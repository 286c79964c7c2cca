using System.IO.Compression;
using System.Text.Json;

namespace StorageOperator.Storage.S3Gateway.Format;

/// <summary>
/// Converts our metadata records to and from bytes, and to a header-safe string for backend user
/// metadata ("j" + base64url(JSON), or "z" + base64url(deflate(JSON)) when that is shorter).
/// </summary>
internal static class MetadataCodec
{
    /// <summary>Backend user-metadata names (after x-amz-meta-).</summary>
    public const string VersionName = "sg-v";
    public const string InlineName = "sg-m";

    public static StoredMetadata ToStored(ObjectMetadata metadata, DateTimeOffset lastModified) => new()
    {
        ETag = metadata.ETag,
        Headers = new Dictionary<string, string>(metadata.Headers, StringComparer.Ordinal),
        Parts = metadata.Parts.Count == 0 ? null : [.. metadata.Parts.Select(p => new StoredPart(p.Number, p.Size, p.ActualSize, p.ETag))],
        LastModified = lastModified,
    };

    public static ObjectMetadata ToMetadata(StoredMetadata stored) => new()
    {
        ETag = stored.ETag,
        Headers = new Dictionary<string, string>(stored.Headers, StringComparer.OrdinalIgnoreCase),
        Parts = stored.Parts is null ? [] : [.. stored.Parts.Select(p => new ObjectPart(p.Number, p.Size, p.ActualSize, p.ETag))],
    };

    public static byte[] Serialize(StoredMetadata value) => JsonSerializer.SerializeToUtf8Bytes(value, GatewayJsonContext.Default.StoredMetadata);
    public static byte[] Serialize(UploadRecord value) => JsonSerializer.SerializeToUtf8Bytes(value, GatewayJsonContext.Default.UploadRecord);
    public static byte[] Serialize(PartRecord value) => JsonSerializer.SerializeToUtf8Bytes(value, GatewayJsonContext.Default.PartRecord);

    public static StoredMetadata DeserializeMetadata(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, GatewayJsonContext.Default.StoredMetadata) ?? throw new InvalidDataException("null metadata");

    public static UploadRecord DeserializeUpload(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, GatewayJsonContext.Default.UploadRecord) ?? throw new InvalidDataException("null upload record");

    public static PartRecord DeserializePart(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, GatewayJsonContext.Default.PartRecord) ?? throw new InvalidDataException("null part record");


    public static string EncodeInline(byte[] json)
    {
        var plain = "j" + Base64UrlEncode(json);
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(json);
        }
        var packed = "z" + Base64UrlEncode(compressed.ToArray());
        return packed.Length < plain.Length ? packed : plain;
    }

    /// <exception cref="InvalidDataException">not something <see cref="EncodeInline"/> wrote.</exception>
    public static byte[] DecodeInline(string value)
    {
        if (value.Length == 0)
        {
            throw new InvalidDataException("empty inline metadata");
        }
        byte[] bytes;
        try
        {
            bytes = System.Buffers.Text.Base64Url.DecodeFromChars(value.AsSpan(1));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("inline metadata is not base64url", e);
        }
        switch (value[0])
        {
            case 'j':
                return bytes;
            case 'z':
                using (var inflate = new DeflateStream(new MemoryStream(bytes), CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    inflate.CopyTo(output);
                    return output.ToArray();
                }
            default:
                throw new InvalidDataException("unknown inline metadata format");
        }
    }

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
