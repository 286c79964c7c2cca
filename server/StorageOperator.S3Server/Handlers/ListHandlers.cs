using System.Text;
using System.Xml;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Objects;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

/// <summary>ListObjects (v1) and ListObjectsV2.</summary>
public sealed class ListHandlers(IStorageBackend backend)
{
    public async Task<S3Result> ListObjectsV1Async(S3RequestContext ctx)
    {
        var (prefix, delimiter, maxKeys, url) = Common(ctx);
        var marker = ctx.Query("marker");
        var list = await ListAsync(ctx, prefix, delimiter, string.IsNullOrEmpty(marker) ? null : marker, maxKeys).ConfigureAwait(false);
        string E(string s) => url ? S3UrlEncoding.Encode(s) : s;

        return S3Result.Xml(S3Xml.Document("ListBucketResult", w =>
        {
            w.Element("Name", ctx.Bucket);
            w.Element("Prefix", E(prefix));
            w.Element("Marker", E(marker ?? ""));
            if (list.IsTruncated && !string.IsNullOrEmpty(delimiter) && list.NextMarker is not null)
            {
                w.Element("NextMarker", E(list.NextMarker));
            }

            w.Element("MaxKeys", maxKeys);
            if (!string.IsNullOrEmpty(delimiter))
            {
                w.Element("Delimiter", E(delimiter));
            }

            if (url)
            {
                w.Element("EncodingType", "url");
            }

            w.Element("IsTruncated", list.IsTruncated);
            WriteEntries(w, list, E, withOwner: true);
        }));
    }

    public async Task<S3Result> ListObjectsV2Async(S3RequestContext ctx)
    {
        var (prefix, delimiter, maxKeys, url) = Common(ctx);
        var token = ctx.Query("continuation-token");
        var startAfter = ctx.Query("start-after");
        var fetchOwner = string.Equals(ctx.Query("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);
        string? after = string.IsNullOrEmpty(startAfter) ? null : startAfter;
        if (token is not null)
        {
            after = DecodeToken(token);
        }

        var list = await ListAsync(ctx, prefix, delimiter, after, maxKeys).ConfigureAwait(false);
        string E(string s) => url ? S3UrlEncoding.Encode(s) : s;

        return S3Result.Xml(S3Xml.Document("ListBucketResult", w =>
        {
            w.Element("Name", ctx.Bucket);
            w.Element("Prefix", E(prefix));
            if (token is not null)
            {
                w.Element("ContinuationToken", token);
            }

            if (startAfter is not null)
            {
                w.Element("StartAfter", E(startAfter));
            }

            w.Element("KeyCount", list.Objects.Count + list.CommonPrefixes.Count);
            w.Element("MaxKeys", maxKeys);
            if (!string.IsNullOrEmpty(delimiter))
            {
                w.Element("Delimiter", E(delimiter));
            }

            if (url)
            {
                w.Element("EncodingType", "url");
            }

            w.Element("IsTruncated", list.IsTruncated);
            if (list.IsTruncated && list.NextMarker is not null)
            {
                w.Element("NextContinuationToken", EncodeToken(list.NextMarker));
            }

            WriteEntries(w, list, E, fetchOwner);
        }));
    }

    /// <summary>Buckets are unversioned: each object is listed as its single version "null".</summary>
    public async Task<S3Result> ListObjectVersionsAsync(S3RequestContext ctx)
    {
        var (prefix, delimiter, maxKeys, url) = Common(ctx);
        var keyMarker = ctx.Query("key-marker");
        var versionIdMarker = ctx.Query("version-id-marker");
        var list = await ListAsync(ctx, prefix, delimiter, string.IsNullOrEmpty(keyMarker) ? null : keyMarker, maxKeys).ConfigureAwait(false);
        string E(string s) => url ? S3UrlEncoding.Encode(s) : s;

        return S3Result.Xml(S3Xml.Document("ListVersionsResult", w =>
        {
            w.Element("Name", ctx.Bucket);
            w.Element("Prefix", E(prefix));
            w.Element("KeyMarker", E(keyMarker ?? ""));
            w.Element("VersionIdMarker", versionIdMarker ?? "");
            if (list.IsTruncated && list.NextMarker is not null)
            {
                w.Element("NextKeyMarker", E(list.NextMarker));
                w.Element("NextVersionIdMarker", "null");
            }

            w.Element("MaxKeys", maxKeys);
            if (!string.IsNullOrEmpty(delimiter))
            {
                w.Element("Delimiter", E(delimiter));
            }

            if (url)
            {
                w.Element("EncodingType", "url");
            }

            w.Element("IsTruncated", list.IsTruncated);
            foreach (var o in list.Objects)
            {
                w.WriteStartElement("Version");
                w.Element("Key", E(o.Key));
                w.Element("VersionId", "null");
                w.Element("IsLatest", true);
                w.Element("LastModified", o.LastModified);
                w.Element("ETag", S3Xml.QuotedETag(o.Metadata.ETag));
                w.Element("Size", SseObjectCodec.PlaintextSize(o));
                w.Owner();
                w.Element("StorageClass", "STANDARD");
                w.WriteEndElement();
            }

            foreach (var p in list.CommonPrefixes)
            {
                w.WriteStartElement("CommonPrefixes");
                w.Element("Prefix", E(p));
                w.WriteEndElement();
            }
        }));
    }

    private (string Prefix, string? Delimiter, int MaxKeys, bool Url) Common(S3RequestContext ctx)
    {
        var encoding = ctx.Query("encoding-type");
        if (encoding is not null && encoding.Length > 0 && !encoding.Equals("url", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Encoding Method specified in Request") { ExtraElements = [new("ArgumentName", "encoding-type")] };
        }

        var maxKeys = RequestChecks.IntQuery(ctx, "max-keys", 0, S3Limits.MaxListKeys, S3Limits.MaxListKeys)!.Value;
        var delimiter = ctx.Query("delimiter");
        return (ctx.Query("prefix") ?? "", string.IsNullOrEmpty(delimiter) ? null : delimiter, maxKeys, encoding is { Length: > 0 });
    }

    private async Task<ListResult> ListAsync(S3RequestContext ctx, string prefix, string? delimiter, string? after, int maxKeys)
    {
        if (maxKeys == 0)
        {
            if (await backend.GetBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false) is null)
            {
                throw new S3Exception(S3ErrorCode.NoSuchBucket) { ExtraElements = [new("BucketName", ctx.Bucket)] };
            }

            return new ListResult([], [], false, null);
        }

        return await backend.ListObjectsAsync(ctx.Bucket, new ListRequest(prefix, delimiter, after, maxKeys), ctx.Aborted).ConfigureAwait(false);
    }

    private void WriteEntries(XmlWriter w, ListResult list, Func<string, string> encode, bool withOwner)
    {
        foreach (var o in list.Objects)
        {
            w.WriteStartElement("Contents");
            w.Element("Key", encode(o.Key));
            w.Element("LastModified", o.LastModified);
            w.Element("ETag", S3Xml.QuotedETag(o.Metadata.ETag));
            w.Element("Size", SseObjectCodec.PlaintextSize(o));
            if (withOwner)
            {
                w.Owner();
            }

            w.Element("StorageClass", "STANDARD");
            w.WriteEndElement();
        }

        foreach (var p in list.CommonPrefixes)
        {
            w.WriteStartElement("CommonPrefixes");
            w.Element("Prefix", encode(p));
            w.WriteEndElement();
        }
    }

    public static string EncodeToken(string after) => Convert.ToBase64String(Encoding.UTF8.GetBytes(after));

    public static string DecodeToken(string token)
    {
        var buffer = new byte[token.Length];
        if (token.Length == 0 || !Convert.TryFromBase64String(token, buffer, out var n))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect") { ExtraElements = [new("ArgumentName", "continuation-token")] };
        }

        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
