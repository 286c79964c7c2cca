using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

/// <summary>
/// POST object (browser-form uploads): the form's policy signature authenticates the request, its conditions
/// bound the fields and the size, and the file part streams through the normal PutObject store path.
/// </summary>
public sealed class PostObjectHandlers(IStorageBackend backend, SseObjectCodec sse, ICredentialProvider credentials, S3ServerSettings settings, TimeProvider time)
{
    /// <summary>
    /// What the middleware hands the dispatcher for a POST object: the request carries no header signature, and
    /// <see cref="PostObjectAsync"/> authenticates it from the form before anything is stored.
    /// </summary>
    public static AuthenticatedRequest PendingAuthentication { get; } = AuthenticatedRequest.FromPostPolicy("");

    public async Task<S3Result> PostObjectAsync(S3RequestContext ctx)
    {
        var boundary = PostFormReader.Boundary(ctx.Request.ContentType);
        var form = await PostFormReader.ReadAsync(boundary, ctx.Request.Body, ctx.Aborted).ConfigureAwait(false);
        var fields = form.Fields;
        var accessKey = PostPolicySignature.Verify(fields, credentials, settings.Region);
        var policy = PostPolicy.Parse(fields["policy"]);

        var key = PostPolicySignature.Required(fields, "key").Replace("${filename}", form.FileName ?? "", StringComparison.Ordinal);
        fields["key"] = key;
        policy.Check(fields, ctx.Bucket, time.GetUtcNow());
        RequestChecks.Key(key);

        var headers = FormHeaders(fields);
        SseRequestParser.RequireSecureTransport(headers, ctx.Request.IsHttps);
        var stored = ObjectHeaders.FromRequest(headers);
        var range = policy.LengthRange;
        var max = Math.Min(range?.Max ?? S3Limits.MaxSinglePutSize, S3Limits.MaxSinglePutSize);

        await using var file = new PostFileStream(form.File, range?.Min ?? 0, max);
        await using var hashing = new HashingReadStream(file, null, S3Limits.MaxSinglePutSize, []);
        await using var write = await sse.BeginWriteAsync(hashing, ctx.Bucket, key, headers, ctx.Aborted).ConfigureAwait(false);
        var signed = new S3RequestContext(ctx.Http, ctx.Route, AuthenticatedRequest.FromPostPolicy(accessKey), ctx.RequestId);
        var info = await ObjectWriteHandlers.StoreAsync(backend, write, signed, ctx.Bucket, key, hashing, null, stored).ConfigureAwait(false);

        var etag = S3Xml.QuotedETag(info.Metadata.ETag);
        var location = ObjectUrl(ctx, key);
        var result = Success(fields, ctx.Bucket, key, etag, location);
        result.Header("ETag", etag).Header("Location", result.Status == 303 ? null : location);
        ObjectWriteHandlers.AddHeaders(result, write.Response.Headers(includeContext: true));
        return result;
    }

    /// <summary>The form fields that a PutObject would carry as headers: metadata, standard headers and SSE.</summary>
    private static HeaderDictionary FormHeaders(IReadOnlyDictionary<string, string> fields)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, value) in fields)
        {
            var lower = name.ToLowerInvariant();
            if (lower.StartsWith(ObjectHeaders.UserMetaPrefix, StringComparison.Ordinal)
                || lower.StartsWith("x-amz-server-side-encryption", StringComparison.Ordinal)
                || ObjectHeaders.StoredStandardHeaders.Contains(lower))
            {
                headers[lower] = value;
            }
        }

        return headers;
    }

    /// <summary>success_action_redirect (303) wins over success_action_status (200, 201 with PostResponse, default 204).</summary>
    private static S3Result Success(IReadOnlyDictionary<string, string> fields, string bucket, string key, string etag, string location)
    {
        var redirect = fields.GetValueOrDefault("success_action_redirect") ?? fields.GetValueOrDefault("redirect");
        if (Uri.TryCreate(redirect, UriKind.Absolute, out var target) && target.Scheme is "http" or "https")
        {
            var query = $"bucket={Uri.EscapeDataString(bucket)}&key={Uri.EscapeDataString(key)}&etag={Uri.EscapeDataString(etag)}";
            var separator = string.IsNullOrEmpty(target.Query) ? "?" : "&";
            return S3Result.Empty(303).Header("Location", redirect + separator + query);
        }

        switch (fields.GetValueOrDefault("success_action_status"))
        {
            case "200":
                return S3Result.Empty(200);
            case "201":
                return S3Result.Xml(S3Xml.Document("PostResponse", w =>
                {
                    w.Element("Location", location);
                    w.Element("Bucket", bucket);
                    w.Element("Key", key);
                    w.Element("ETag", etag);
                }, withNamespace: false), 201);
            default:
                // AWS answers 204 for a missing or unknown status
                return S3Result.Empty(204);
        }
    }

    private static string ObjectUrl(S3RequestContext ctx, string key)
    {
        var escaped = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var path = ctx.Request.Path.Value is { Length: > 1 } p ? p.TrimEnd('/') + "/" : "/";
        return $"{ctx.Request.Scheme}://{ctx.Request.Host}{path}{escaped}";
    }
}
