using System.Globalization;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Objects;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

/// <summary>GetObject and HeadObject: conditionals, ranges, partNumber, response overrides.</summary>
public sealed class ObjectReadHandlers(IStorageBackend backend, SseObjectCodec sse)
{
    private static readonly (string Query, string Header)[] ResponseOverrides =
    [
        ("response-content-type", "Content-Type"),
        ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"),
        ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"),
        ("response-content-encoding", "Content-Encoding"),
    ];

    public async Task<S3Result> GetObjectAsync(S3RequestContext ctx)
    {
        RequestChecks.Key(ctx.Key);
        var reader = await backend.OpenObjectAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false);
        try
        {
            var (result, range) = Plan(ctx, reader.Info);
            if (range is not { } r)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                return result;
            }

            var decoded = await sse.DecodeReadAsync(reader.Info, r.Start, r.Length, ctx.Request.Headers, copySource: false, ctx.Aborted).ConfigureAwait(false);
            var stream = decoded.Wrap(new RangeReadStream(reader.Data, decoded.StoredOffset, decoded.StoredLength));
            if (decoded.Response.Type != Crypto.Sse.SseType.None && r.Length > 0)
            {
                // authenticate the first package before the status line goes out: tampering becomes a clean error
                stream = await PrefetchedStream.CreateAsync(stream, ctx.Aborted).ConfigureAwait(false);
            }

            var response = new S3Result
            {
                Status = result.Status,
                ContentLength = r.Length,
                Stream = stream,
                Resource = reader,
            }.WithHeaders(result);
            ObjectWriteHandlers.AddHeaders(response, decoded.Response.Headers(includeContext: false));
            return response;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<S3Result> HeadObjectAsync(S3RequestContext ctx)
    {
        RequestChecks.Key(ctx.Key);
        var info = await backend.GetObjectInfoAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false)
            ?? throw new S3Exception(S3ErrorCode.NoSuchKey);
        var (result, range) = Plan(ctx, info, head: true);
        var encryption = await sse.VerifyReadAsync(info, ctx.Request.Headers, copySource: false, ctx.Aborted).ConfigureAwait(false);
        var response = range is { } r ? new S3Result { Status = result.Status, ContentLength = r.Length }.WithHeaders(result) : result;
        ObjectWriteHandlers.AddHeaders(response, encryption.Headers(includeContext: false));
        return response;
    }

    /// <summary>Decides status, headers and the plaintext range to send (null: no body, e.g. 304).</summary>
    /// <param name="head">
    /// HEAD checks a Range (416 when unsatisfiable) but answers 200 for the whole object, as RFC 9110 lets a server
    /// ignore Range: the Minio .NET SDK 7.0.0 sends its GetObject range on the HEAD it makes first and fails on 206
    /// (minio-dotnet#1342); AWS SDKs, the aws CLI, boto3 and rclone take any 2xx for HEAD.
    /// </param>
    private (S3Result Result, ByteRange? Range) Plan(S3RequestContext ctx, ObjectInfo info, bool head = false)
    {
        var meta = info.Metadata;
        var size = SseObjectCodec.PlaintextSize(info);
        var outcome = Conditionals.Evaluate(ctx.Header("If-Match"), ctx.Header("If-None-Match"), ctx.Header("If-Modified-Since"),
            ctx.Header("If-Unmodified-Since"), meta.ETag, info.LastModified);
        if (outcome == ConditionalOutcome.PreconditionFailed)
        {
            throw new S3Exception(S3ErrorCode.PreconditionFailed) { ExtraElements = [new("Condition", "If-Match")] };
        }

        if (outcome == ConditionalOutcome.NotModified)
        {
            var notModified = S3Result.Empty(304);
            notModified.Header("ETag", S3Xml.QuotedETag(meta.ETag)).Header("Last-Modified", HttpDate(info.LastModified));
            return (notModified, null);
        }

        var status = 200;
        var result = new S3Result();
        ByteRange range;
        var partNumberRaw = ctx.Query("partNumber");
        if (partNumberRaw is not null)
        {
            if (ctx.Header("Range") is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter");
            }

            var n = RequestChecks.PartNumber(ctx);
            var parts = meta.Parts;
            if (parts.Count == 0)
            {
                if (n != 1)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPartNumber) { ExtraElements = [new("PartNumberRequested", partNumberRaw), new("ActualPartCount", "1")] };
                }

                range = new ByteRange(0, size);
            }
            else
            {
                if (n > parts.Count)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPartNumber)
                    {
                        ExtraElements = [new("PartNumberRequested", partNumberRaw), new("ActualPartCount", parts.Count.ToString(CultureInfo.InvariantCulture))],
                    };
                }

                var offset = parts.Take(n - 1).Sum(p => p.ActualSize);
                range = new ByteRange(offset, parts[n - 1].ActualSize);
                result.Header("x-amz-mp-parts-count", parts.Count.ToString(CultureInfo.InvariantCulture));
                status = 206;
                if (range.Length > 0)
                {
                    result.Header("Content-Range", range.ContentRange(size));
                }
            }
        }
        else
        {
            var (rangeOutcome, r) = RangeHeader.Evaluate(ctx.Header("Range"), size);
            switch (rangeOutcome)
            {
                case RangeOutcome.Unsatisfiable:
                    throw new S3Exception(S3ErrorCode.InvalidRange)
                    {
                        ExtraHeaders = [new("Content-Range", $"bytes */{size}")],
                        ExtraElements = [new("RangeRequested", ctx.Header("Range") ?? ""), new("ActualObjectSize", size.ToString(CultureInfo.InvariantCulture))],
                    };
                case RangeOutcome.Partial when !head:
                    status = 206;
                    range = r;
                    result.Header("Content-Range", r.ContentRange(size));
                    break;
                default:
                    range = new ByteRange(0, size);
                    break;
            }
        }

        AddObjectHeaders(ctx, info, result, fullObject: status == 200);
        return (new S3Result { Status = status }.WithHeaders(result), range);
    }

    private void AddObjectHeaders(S3RequestContext ctx, ObjectInfo info, S3Result result, bool fullObject)
    {
        var meta = info.Metadata;
        var headers = meta.Headers;
        result.Header("ETag", S3Xml.QuotedETag(meta.ETag));
        result.Header("Last-Modified", HttpDate(info.LastModified));
        result.Header("Accept-Ranges", "bytes");
        var overrides = ResponseOverrides.Where(o => ctx.Query(o.Query) is not null).ToDictionary(o => o.Header, o => ctx.Query(o.Query)!, StringComparer.OrdinalIgnoreCase);
        result.Header("Content-Type", overrides.GetValueOrDefault("Content-Type") ?? Lookup(headers, "content-type") ?? ObjectHeaders.DefaultContentType);
        foreach (var name in ObjectHeaders.StoredStandardHeaders)
        {
            if (name == "content-type")
            {
                continue;
            }

            var value = overrides.GetValueOrDefault(name) ?? Lookup(headers, name);
            if (value is not null)
            {
                result.Header(name, value);
            }
        }

        foreach (var (name, value) in headers)
        {
            if (name.StartsWith(ObjectHeaders.UserMetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                result.Header(name, value);
            }
        }

        if (fullObject && string.Equals(ctx.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            RequestChecks.AddChecksumHeaders(result, headers);
        }
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var v))
        {
            return v;
        }

        foreach (var (k, value) in headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
