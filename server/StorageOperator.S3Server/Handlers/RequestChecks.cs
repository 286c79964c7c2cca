using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;

namespace StorageOperator.S3Server.Handlers;

/// <summary>Validation shared by handlers: names, lengths, small bodies.</summary>
public static class RequestChecks
{
    public static void Bucket(string bucket)
    {
        if (!BucketNames.IsValid(bucket))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName) { ExtraElements = [new("BucketName", bucket)] };
        }
    }

    public static void Key(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > S3Limits.MaxKeyBytes)
        {
            throw new S3Exception(S3ErrorCode.KeyTooLongError);
        }
    }

    /// <summary>The object bytes the client declares: the decoded length for aws-chunked bodies, else Content-Length.</summary>
    public static long? DeclaredLength(S3RequestContext ctx, long max)
    {
        var declared = ctx.Auth.DecodedContentLength ?? (IsAwsChunked(ctx.Request) ? null : ctx.Request.ContentLength);
        // HTTP/1.1 chunked and HTTP/2+ bodies may legitimately come without a length; the body's end is then authoritative
        if (declared is null && !ctx.Request.Headers.ContainsKey("Transfer-Encoding") && !HttpProtocol.IsHttp2(ctx.Request.Protocol) && !HttpProtocol.IsHttp3(ctx.Request.Protocol))
        {
            throw new S3Exception(S3ErrorCode.MissingContentLength);
        }

        if (declared < 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Content-Length must not be negative.");
        }

        if (declared > max)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge);
        }

        return declared;
    }

    private static bool IsAwsChunked(HttpRequest request) =>
        request.Headers.TryGetValue("x-amz-content-sha256", out var v) && v.ToString().StartsWith("STREAMING-", StringComparison.Ordinal);

    /// <summary>Reads a small request document (XML), verifying Content-MD5 / checksums when given.</summary>
    /// <param name="checksumHeadersDescribeBody">false for CompleteMultipartUpload, whose x-amz-checksum-* headers describe the object.</param>
    public static async Task<byte[]> ReadSmallBodyAsync(S3RequestContext ctx, int maxBytes = S3Limits.MaxXmlBodyBytes, bool checksumHeadersDescribeBody = true)
    {
        var checks = checksumHeadersDescribeBody ? PayloadChecks.FromRequest(ctx.Request) : PayloadChecks.ContentMd5Only(ctx.Request);
        var declared = ctx.Auth.DecodedContentLength ?? (IsAwsChunked(ctx.Request) ? null : ctx.Request.ContentLength);
        if (declared > maxBytes)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was larger than the maximum allowed size.");
        }

        await using var hashing = checks.Wrap(ctx.Body(), declared, maxBytes);
        using var ms = new MemoryStream();
        try
        {
            await hashing.CopyToAsync(ms, ctx.Aborted).ConfigureAwait(false);
        }
        catch (S3Exception e) when (e.Code == S3ErrorCode.EntityTooLarge)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was larger than the maximum allowed size.");
        }

        checks.Verify(hashing, ctx.Auth.Trailers);
        return ms.ToArray();
    }

    public static int? IntQuery(S3RequestContext ctx, string name, int min, int max, int? fallback)
    {
        var raw = ctx.Query(name);
        if (raw is null)
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < min)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Provided {name} not an integer or within integer range") { ExtraElements = [new("ArgumentName", name), new("ArgumentValue", raw)] };
        }

        return Math.Min(v, max);
    }

    public static int PartNumber(S3RequestContext ctx)
    {
        var raw = ctx.Query("partNumber");
        if (raw is null || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > S3Limits.MaxPartNumber)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive") { ExtraElements = [new("ArgumentName", "partNumber"), new("ArgumentValue", raw ?? "")] };
        }

        return n;
    }

    public static string UploadId(S3RequestContext ctx) =>
        ctx.Query("uploadId") is { Length: > 0 } id ? id : throw new S3Exception(S3ErrorCode.NoSuchUpload);

    /// <summary>The checksum headers to echo for an object or part (only algorithms stored as values).</summary>
    public static void AddChecksumHeaders(S3Result result, IReadOnlyDictionary<string, string> stored)
    {
        foreach (var a in ChecksumAlgorithms.All)
        {
            if (stored.TryGetValue(a.HeaderName(), out var v))
            {
                result.Header(a.HeaderName(), v);
            }
        }

        if (stored.TryGetValue("x-amz-checksum-type", out var type))
        {
            result.Header("x-amz-checksum-type", type);
        }
    }

    public static void WriteChecksumElements(System.Xml.XmlWriter w, IReadOnlyDictionary<string, string> stored)
    {
        foreach (var a in ChecksumAlgorithms.All)
        {
            if (stored.TryGetValue(a.HeaderName(), out var v))
            {
                w.Element(a.XmlName(), v);
            }
        }
    }
}
