using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

/// <summary>PutObject, DeleteObject and DeleteObjects.</summary>
public sealed class ObjectWriteHandlers(IStorageBackend backend, SseObjectCodec sse)
{
    public async Task<S3Result> PutObjectAsync(S3RequestContext ctx)
    {
        RequestChecks.Key(ctx.Key);
        if (SseRequestParser.HasCustomerHeaders(ctx.Request.Headers, copySource: true))
        {
            throw SseErrors.NotApplicable();
        }

        var headers = ObjectHeaders.FromRequest(ctx.Request.Headers);
        var checks = PayloadChecks.FromRequest(ctx.Request);
        var declared = RequestChecks.DeclaredLength(ctx, S3Limits.MaxSinglePutSize);
        // Checked once up front (no body is read for a write that will fail) and again atomically with the publish.
        var condition = WriteCondition(ctx);
        if (condition is not null && condition(await backend.GetObjectInfoAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false)) is { } failure)
        {
            throw failure;
        }

        await using var hashing = checks.Wrap(ctx.Body(), declared, S3Limits.MaxSinglePutSize);
        // the key (and any KMS call) comes before the body is read: a KMS failure stores nothing
        await using var write = await sse.BeginWriteAsync(hashing, ctx.Bucket, ctx.Key, ctx.Request.Headers, ctx.Aborted).ConfigureAwait(false);
        var info = await StoreAsync(backend, write, ctx, ctx.Bucket, ctx.Key, hashing, checks, headers, condition).ConfigureAwait(false);

        var result = S3Result.Empty().Header("ETag", S3Xml.QuotedETag(info.Metadata.ETag));
        RequestChecks.AddChecksumHeaders(result, info.Metadata.Headers);
        AddHeaders(result, write.Response.Headers(includeContext: true));
        return result;
    }

    /// <summary>
    /// Streams a hashed body through the (encrypting) write into the backend; verification happens in the backend's
    /// completion callback, after EOF and before publication, so a bad digest publishes nothing.
    /// </summary>
    internal static async Task<ObjectInfo> StoreAsync(IStorageBackend backend, SseWrite write, S3RequestContext ctx, string bucket, string key,
        HashingReadStream hashing, PayloadChecks? checks, Dictionary<string, string> headers, Func<ObjectInfo?, Exception?>? condition = null)
    {
        var clientMd5 = ctx.Request.Headers.ContainsKey("Content-MD5");
        if (!write.NeedsPlaintextMd5(clientMd5))
        {
            hashing.SkipMd5();
        }

        return await backend.PutObjectAsync(bucket, key, write.Stored, _ =>
        {
            var all = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            var sums = checks?.Verify(hashing, ctx.Auth.Trailers) ?? hashing.Algorithms.ToDictionary(a => a, a => Convert.ToBase64String(hashing.Checksum(a)));
            foreach (var (a, v) in sums)
            {
                all[a.HeaderName()] = v;
            }

            if (sums.Count > 0)
            {
                all["x-amz-checksum-type"] = "FULL_OBJECT";
            }

            foreach (var (k, v) in write.Metadata)
            {
                all[k] = v;
            }

            var etag = write.ETag(hashing.HasMd5 ? hashing.Md5 : [], clientMd5, all);
            return new ObjectMetadata { ETag = etag, Headers = all };
        }, ctx.Aborted, condition).ConfigureAwait(false);
    }

    /// <summary>
    /// Conditional writes: If-None-Match: * (create only) and If-Match (replace only that version), as a check of the
    /// object being replaced — null when the request has neither header.
    /// </summary>
    private static Func<ObjectInfo?, Exception?>? WriteCondition(S3RequestContext ctx)
    {
        var ifMatch = ctx.Header("If-Match");
        var ifNoneMatch = ctx.Header("If-None-Match");
        if (ifMatch is null && ifNoneMatch is null)
        {
            return null;
        }

        return current =>
        {
            if (ifNoneMatch is not null && current is not null && Conditionals.ETagListMatches(ifNoneMatch, current.Metadata.ETag))
            {
                return new S3Exception(S3ErrorCode.PreconditionFailed) { ExtraElements = [new("Condition", "If-None-Match")] };
            }

            if (ifMatch is not null)
            {
                if (current is null)
                {
                    return new S3Exception(S3ErrorCode.NoSuchKey);
                }

                if (!Conditionals.ETagListMatches(ifMatch, current.Metadata.ETag))
                {
                    return new S3Exception(S3ErrorCode.PreconditionFailed) { ExtraElements = [new("Condition", "If-Match")] };
                }
            }

            return null;
        };
    }

    public async Task<S3Result> DeleteObjectAsync(S3RequestContext ctx)
    {
        RequestChecks.Key(ctx.Key);
        await backend.DeleteObjectAsync(ctx.Bucket, ctx.Key, ctx.Aborted).ConfigureAwait(false);
        return S3Result.Empty(204);
    }

    public async Task<S3Result> DeleteObjectsAsync(S3RequestContext ctx)
    {
        var body = await RequestChecks.ReadSmallBodyAsync(ctx).ConfigureAwait(false);
        var doc = S3Xml.Parse(body);
        if (doc.Name.LocalName != "Delete")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var quiet = string.Equals(doc.ChildValue("Quiet")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var objects = doc.Children("Object").Select(o => (Key: o.ChildValue("Key"), VersionId: o.ChildValue("VersionId"))).ToList();
        var keys = objects.Select(o => o.Key).ToList();
        var versions = objects.Where(o => o.Key is not null && !string.IsNullOrEmpty(o.VersionId)).GroupBy(o => o.Key!).ToDictionary(g => g.Key, g => g.First().VersionId!);
        if (keys.Count == 0 || keys.Count > S3Limits.MaxDeleteObjects || keys.Any(k => k is null))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (await backend.GetBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchBucket) { ExtraElements = [new("BucketName", ctx.Bucket)] };
        }

        var deleted = new List<string>();
        var errors = new List<(string Key, string Code, string Message)>();
        foreach (var key in keys.Select(k => k!))
        {
            try
            {
                RequestChecks.Key(key);
                await backend.DeleteObjectAsync(ctx.Bucket, key, ctx.Aborted).ConfigureAwait(false);
                deleted.Add(key);
            }
            catch (S3Exception e)
            {
                errors.Add((key, e.Info.Code, e.Message));
            }
            catch (StorageException e)
            {
                var s3 = StorageErrors.ToS3(e);
                errors.Add((key, s3.Info.Code, s3.Message));
            }
        }

        return S3Result.Xml(S3Xml.Document("DeleteResult", w =>
        {
            if (!quiet)
            {
                foreach (var key in deleted)
                {
                    w.WriteStartElement("Deleted");
                    w.Element("Key", key);
                    w.Element("VersionId", versions.GetValueOrDefault(key));
                    w.WriteEndElement();
                }
            }

            foreach (var (key, code, message) in errors)
            {
                w.WriteStartElement("Error");
                w.Element("Key", key);
                w.Element("Code", code);
                w.Element("Message", message);
                w.WriteEndElement();
            }
        }));
    }

    internal static void AddHeaders(S3Result result, IEnumerable<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            result.Header(name, value);
        }
    }
}
