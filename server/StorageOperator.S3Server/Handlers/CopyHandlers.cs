using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Objects;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

/// <summary>CopyObject: streams the source's plaintext through hashing and the target's encryption into a new object.</summary>
public sealed class CopyHandlers(IStorageBackend backend, SseObjectCodec sse)
{
    public const string SelfCopyMessage =
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

    public async Task<S3Result> CopyObjectAsync(S3RequestContext ctx)
    {
        RequestChecks.Key(ctx.Key);
        var source = CopySource.Parse(ctx.Header("x-amz-copy-source"));
        var directive = (ctx.Header("x-amz-metadata-directive") ?? "COPY").Trim().ToUpperInvariant();
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Unknown metadata directive.") { ExtraElements = [new("ArgumentName", "x-amz-metadata-directive")] };
        }

        var requestedAlgorithm = ctx.Header("x-amz-checksum-algorithm") is { } alg
            ? ChecksumAlgorithms.Parse(alg) ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Checksum algorithm provided is unsupported.")
            : (ChecksumAlgorithm?)null;

        await using var reader = await OpenSourceAsync(ctx, source).ConfigureAwait(false);
        var info = reader.Info;
        var sameObject = source.Bucket == ctx.Bucket && source.Key == ctx.Key;
        var encryptionChange = SseRequestParser.HasCustomerHeaders(ctx.Request.Headers, copySource: false)
            || ctx.Request.Headers.ContainsKey(SseHeaderNames.ServerSideEncryption);
        // a storage-class header makes the in-place copy a legal rewrite (rclone settier, AWS's documented way to
        // change an object's class); we keep one class, so the object is rewritten as it is
        var storageClassChange = ctx.Request.Headers.ContainsKey("x-amz-storage-class");
        if (sameObject && directive != "REPLACE" && requestedAlgorithm is null && !encryptionChange && !storageClassChange)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, SelfCopyMessage);
        }

        // SSE-C → SSE-C onto itself is a key rotation (§2.11): the object key is re-sealed, the data stays
        var rotation = sameObject && requestedAlgorithm is null ? SseObjectCodec.RotateCustomerKey(info, ctx.Request.Headers) : null;

        var headers = directive == "REPLACE" ? ObjectHeaders.FromRequest(ctx.Request.Headers) : ObjectHeaders.CopyableHeaders(info.Metadata.Headers);
        ObjectInfo result;
        SseResponse encryption;
        if (sameObject && requestedAlgorithm is null && (!encryptionChange || rotation is not null))
        {
            // Same bytes, new metadata: no need to rewrite the data (an SSE-C source still needs its key).
            encryption = rotation?.Response ?? await sse.VerifyReadAsync(info, ctx.Request.Headers, copySource: true, ctx.Aborted).ConfigureAwait(false);
            var kept = (rotation?.Headers ?? info.Metadata.Headers).Where(kv => ObjectHeaders.IsInternal(kv.Key) || ObjectHeaders.IsChecksum(kv.Key));
            foreach (var (k, v) in kept)
            {
                headers[k] = v;
            }

            result = await backend.UpdateObjectMetadataAsync(ctx.Bucket, ctx.Key, info.Metadata.ETag,
                info.Metadata with { Headers = headers }, ctx.Aborted).ConfigureAwait(false);
        }
        else
        {
            var algorithms = info.Metadata.Headers.Keys.Select(ChecksumAlgorithms.FromHeaderName).OfType<ChecksumAlgorithm>().ToList();
            if (requestedAlgorithm is { } ra)
            {
                algorithms = [ra];
            }

            var size = SseObjectCodec.PlaintextSize(info);
            var decoded = await sse.DecodeReadAsync(info, 0, size, ctx.Request.Headers, copySource: true, ctx.Aborted).ConfigureAwait(false);
            await using var plain = decoded.Wrap(new RangeReadStream(reader.Data, decoded.StoredOffset, decoded.StoredLength));
            await using var hashing = new HashingReadStream(plain, size, S3Limits.MaxSinglePutSize, algorithms);
            await using var write = await sse.BeginWriteAsync(hashing, ctx.Bucket, ctx.Key, ctx.Request.Headers, ctx.Aborted).ConfigureAwait(false);
            result = await ObjectWriteHandlers.StoreAsync(backend, write, ctx, ctx.Bucket, ctx.Key, hashing, null, headers).ConfigureAwait(false);
            encryption = write.Response;
        }

        var response = S3Result.Xml(S3Xml.Document("CopyObjectResult", w =>
        {
            w.Element("LastModified", result.LastModified);
            w.Element("ETag", S3Xml.QuotedETag(result.Metadata.ETag));
            RequestChecks.WriteChecksumElements(w, result.Metadata.Headers);
        }));
        ObjectWriteHandlers.AddHeaders(response, encryption.Headers(includeContext: true));
        return response;
    }

    /// <summary>Opens the source, applying x-amz-copy-source-if-* (any failure is 412) and the 5 GiB copy limit.</summary>
    internal async Task<ObjectReader> OpenSourceAsync(S3RequestContext ctx, CopySource source, bool enforceSizeLimit = true)
    {
        RequestChecks.Key(source.Key);
        var reader = await backend.OpenObjectAsync(source.Bucket, source.Key, ctx.Aborted).ConfigureAwait(false);
        try
        {
            var outcome = Conditionals.Evaluate(ctx.Header("x-amz-copy-source-if-match"), ctx.Header("x-amz-copy-source-if-none-match"),
                ctx.Header("x-amz-copy-source-if-modified-since"), ctx.Header("x-amz-copy-source-if-unmodified-since"),
                reader.Info.Metadata.ETag, reader.Info.LastModified);
            if (outcome != ConditionalOutcome.Proceed)
            {
                throw new S3Exception(S3ErrorCode.PreconditionFailed);
            }

            if (enforceSizeLimit && SseObjectCodec.PlaintextSize(reader.Info) > S3Limits.MaxSinglePutSize)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120");
            }

            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
