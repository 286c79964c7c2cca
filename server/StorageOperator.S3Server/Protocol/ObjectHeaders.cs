using System.Text;
using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Protocol;

/// <summary>Which request headers become stored object metadata, and how they come back.</summary>
public static class ObjectHeaders
{
    public const string InternalPrefix = "x-internal-";
    public const string UserMetaPrefix = "x-amz-meta-";
    public const int MaxUserMetadataBytes = 2048;
    public const string DefaultContentType = "binary/octet-stream";

    /// <summary>Standard headers stored verbatim and returned on GET/HEAD (lower-case names).</summary>
    public static readonly IReadOnlyList<string> StoredStandardHeaders =
        ["content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires", "x-amz-website-redirect-location"];

    /// <summary>Extracts the stored headers from a PUT / CreateMultipartUpload / CopyObject(REPLACE) request.</summary>
    /// <exception cref="S3Exception">MetadataTooLarge.</exception>
    public static Dictionary<string, string> FromRequest(IHeaderDictionary headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var userBytes = 0;
        foreach (var (name, values) in headers)
        {
            var lower = name.ToLowerInvariant();
            var value = values.ToString();
            if (lower.StartsWith(UserMetaPrefix, StringComparison.Ordinal))
            {
                userBytes += Encoding.UTF8.GetByteCount(lower[UserMetaPrefix.Length..]) + Encoding.UTF8.GetByteCount(value);
                result[lower] = value;
            }
            else if (lower == "content-encoding")
            {
                // aws-chunked is the transfer framing of SigV4 streaming, not a property of the object
                var encodings = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Where(e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)).ToArray();
                if (encodings.Length > 0)
                {
                    result[lower] = string.Join(",", encodings);
                }
            }
            else if (StoredStandardHeaders.Contains(lower))
            {
                result[lower] = value;
            }
        }

        if (userBytes > MaxUserMetadataBytes)
        {
            throw new S3Exception(S3ErrorCode.MetadataTooLarge);
        }

        return result;
    }

    public static bool IsInternal(string name) => name.StartsWith(InternalPrefix, StringComparison.OrdinalIgnoreCase);

    public static bool IsChecksum(string name) => name.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Content headers and user metadata to copy (COPY directive): everything but internal entries and checksums.</summary>
    public static Dictionary<string, string> CopyableHeaders(IReadOnlyDictionary<string, string> stored) =>
        stored.Where(kv => !IsInternal(kv.Key) && !IsChecksum(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
}
