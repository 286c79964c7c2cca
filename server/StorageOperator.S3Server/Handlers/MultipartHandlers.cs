using System.Globalization;
using System.Security.Cryptography;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Objects;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Xml;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Handlers;

/// <summary>Multipart uploads: create, upload (and copy) parts, complete, abort, list.</summary>
public sealed class MultipartHandlers(IStorageBackend backend, SseObjectCodec sse, CopyHandlers copy)
{
    /// <summary>Internal upload metadata: the checksum algorithm and type chosen at creation.</summary>
    public const string ChecksumAlgorithmKey = "x-internal-mpu-checksum-algorithm";
    public const string ChecksumTypeKey = "x-internal-mpu-checksum-type";

    public async Task<S3Result> CreateAsync(S3RequestContext ctx)
    {
        RequestChecks.Key(ctx.Key);
        if (SseRequestParser.HasCustomerHeaders(ctx.Request.Headers, copySource: true))
        {
            throw SseErrors.NotApplicable();
        }

        var headers = ObjectHeaders.FromRequest(ctx.Request.Headers);
        var algorithm = ctx.Header("x-amz-checksum-algorithm") is { } a
            ? ChecksumAlgorithms.Parse(a) ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Checksum algorithm provided is unsupported.")
            : (ChecksumAlgorithm?)null;
        var type = (ctx.Header("x-amz-checksum-type") ?? "COMPOSITE").ToUpperInvariant();
        if (type is not ("COMPOSITE" or "FULL_OBJECT"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-type header is invalid.");
        }

        if (type == "FULL_OBJECT" && algorithm is ChecksumAlgorithm.Sha1 or ChecksumAlgorithm.Sha256)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The FULL_OBJECT checksum type cannot be used with the " + algorithm.Value.WireName() + " checksum algorithm.");
        }

        if (algorithm is null && type == "FULL_OBJECT")
        {
            algorithm = ChecksumAlgorithm.Crc64Nvme;
        }

        if (algorithm is { } alg)
        {
            headers[ChecksumAlgorithmKey] = alg.WireName();
            headers[ChecksumTypeKey] = type;
        }

        // the object key is generated and sealed once, into the upload (§2.8); parts derive their keys from it
        await using var start = await sse.BeginUploadAsync(ctx.Bucket, ctx.Key, ctx.Request.Headers, ctx.Aborted).ConfigureAwait(false);
        foreach (var (k, v) in start.Metadata)
        {
            headers[k] = v;
        }

        var uploadId = await backend.CreateMultipartUploadAsync(ctx.Bucket, ctx.Key, new ObjectMetadata { ETag = "", Headers = headers }, ctx.Aborted).ConfigureAwait(false);
        var result = S3Result.Xml(S3Xml.Document("InitiateMultipartUploadResult", w =>
        {
            w.Element("Bucket", ctx.Bucket);
            w.Element("Key", ctx.Key);
            w.Element("UploadId", uploadId);
        }));
        if (algorithm is { } al)
        {
            result.Header("x-amz-checksum-algorithm", al.WireName()).Header("x-amz-checksum-type", type);
        }

        ObjectWriteHandlers.AddHeaders(result, start.Response.Headers(includeContext: true));
        return result;
    }

    public async Task<S3Result> UploadPartAsync(S3RequestContext ctx)
    {
        var partNumber = RequestChecks.PartNumber(ctx);
        var upload = await backend.GetMultipartUploadAsync(ctx.Bucket, ctx.Key, RequestChecks.UploadId(ctx), ctx.Aborted).ConfigureAwait(false);
        var checks = PayloadChecks.FromRequest(ctx.Request, UploadAlgorithm(upload) is { } a ? [a] : null);
        var declared = RequestChecks.DeclaredLength(ctx, S3Limits.MaxSinglePutSize);
        await using var hashing = checks.Wrap(ctx.Body(), declared, S3Limits.MaxSinglePutSize);
        await using var write = await sse.BeginPartAsync(hashing, upload, partNumber, ctx.Request.Headers, ctx.Aborted).ConfigureAwait(false);
        var part = await StorePartAsync(ctx, upload, partNumber, hashing, checks, write).ConfigureAwait(false);
        var result = S3Result.Empty().Header("ETag", S3Xml.QuotedETag(part.Metadata.ETag));
        RequestChecks.AddChecksumHeaders(result, part.Metadata.Headers);
        ObjectWriteHandlers.AddHeaders(result, write.Response.Headers(includeContext: false));
        return result;
    }

    public async Task<S3Result> UploadPartCopyAsync(S3RequestContext ctx)
    {
        var partNumber = RequestChecks.PartNumber(ctx);
        var upload = await backend.GetMultipartUploadAsync(ctx.Bucket, ctx.Key, RequestChecks.UploadId(ctx), ctx.Aborted).ConfigureAwait(false);
        var source = CopySource.Parse(ctx.Header("x-amz-copy-source"));
        await using var reader = await copy.OpenSourceAsync(ctx, source, enforceSizeLimit: false).ConfigureAwait(false);
        var size = SseObjectCodec.PlaintextSize(reader.Info);
        var range = new ByteRange(0, size);
        if (ctx.Header("x-amz-copy-source-range") is { } rangeHeader)
        {
            range = RangeHeader.ParseCopySourceRange(rangeHeader, size)
                ?? throw new S3Exception(S3ErrorCode.InvalidRange, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
        }

        if (range.Length > S3Limits.MaxSinglePutSize)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120");
        }

        var decoded = await sse.DecodeReadAsync(reader.Info, range.Start, range.Length, ctx.Request.Headers, copySource: true, ctx.Aborted).ConfigureAwait(false);
        await using var plain = decoded.Wrap(new RangeReadStream(reader.Data, decoded.StoredOffset, decoded.StoredLength));
        var algorithms = UploadAlgorithm(upload) is { } a ? new[] { a } : [];
        await using var hashing = new HashingReadStream(plain, range.Length, S3Limits.MaxSinglePutSize, algorithms);
        await using var write = await sse.BeginPartAsync(hashing, upload, partNumber, ctx.Request.Headers, ctx.Aborted).ConfigureAwait(false);
        var part = await StorePartAsync(ctx, upload, partNumber, hashing, null, write).ConfigureAwait(false);
        var result = S3Result.Xml(S3Xml.Document("CopyPartResult", w =>
        {
            w.Element("LastModified", part.LastModified);
            w.Element("ETag", S3Xml.QuotedETag(part.Metadata.ETag));
            RequestChecks.WriteChecksumElements(w, part.Metadata.Headers);
        }));
        ObjectWriteHandlers.AddHeaders(result, write.Response.Headers(includeContext: false));
        return result;
    }

    private async Task<PartInfo> StorePartAsync(S3RequestContext ctx, MultipartUploadInfo upload, int partNumber, HashingReadStream hashing, PayloadChecks? checks, SseWrite write)
    {
        var clientMd5 = ctx.Request.Headers.ContainsKey("Content-MD5");
        if (!write.NeedsPlaintextMd5(clientMd5))
        {
            hashing.SkipMd5();
        }

        return await backend.PutPartAsync(ctx.Bucket, ctx.Key, upload.UploadId, partNumber, write.Stored, _ =>
        {
            var sums = checks?.Verify(hashing, ctx.Auth.Trailers) ?? hashing.Algorithms.ToDictionary(a => a, a => Convert.ToBase64String(hashing.Checksum(a)));
            var headers = new Dictionary<string, string>(write.Metadata, StringComparer.OrdinalIgnoreCase);
            foreach (var (a, v) in sums)
            {
                headers[a.HeaderName()] = v;
            }

            var etag = write.ETag(hashing.HasMd5 ? hashing.Md5 : [], clientMd5, headers);
            return new PartMetadata(etag, hashing.BytesRead, headers);
        }, ctx.Aborted).ConfigureAwait(false);
    }

    public async Task<S3Result> CompleteAsync(S3RequestContext ctx)
    {
        var uploadId = RequestChecks.UploadId(ctx);
        var upload = await backend.GetMultipartUploadAsync(ctx.Bucket, ctx.Key, uploadId, ctx.Aborted).ConfigureAwait(false);
        var doc = S3Xml.Parse(await RequestChecks.ReadSmallBodyAsync(ctx, checksumHeadersDescribeBody: false).ConfigureAwait(false));
        if (doc.Name.LocalName != "CompleteMultipartUpload")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var requested = new List<(int Number, string ETag, Dictionary<ChecksumAlgorithm, string> Checksums)>();
        foreach (var p in doc.Children("Part"))
        {
            if (!int.TryParse(p.ChildValue("PartNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || p.ChildValue("ETag") is not { } etag)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var sums = ChecksumAlgorithms.All.Where(a => p.ChildValue(a.XmlName()) is not null).ToDictionary(a => a, a => p.ChildValue(a.XmlName())!.Trim());
            requested.Add((n, etag.Trim().Trim('"'), sums));
        }

        if (requested.Count == 0)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema");
        }

        for (var i = 1; i < requested.Count; i++)
        {
            if (requested[i].Number <= requested[i - 1].Number)
            {
                throw new S3Exception(S3ErrorCode.InvalidPartOrder);
            }
        }

        var stored = (await backend.ListPartsAsync(ctx.Bucket, ctx.Key, uploadId, ctx.Aborted).ConfigureAwait(false)).ToDictionary(p => p.PartNumber);
        var chosen = new List<PartInfo>(requested.Count);
        foreach (var (number, etag, sums) in requested)
        {
            if (!stored.TryGetValue(number, out var part) || !string.Equals(part.Metadata.ETag, etag, StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3ErrorCode.InvalidPart) { ExtraElements = [new("UploadId", uploadId), new("PartNumber", number.ToString(CultureInfo.InvariantCulture)), new("ETag", etag)] };
            }

            foreach (var (a, v) in sums)
            {
                if (part.Metadata.Headers.TryGetValue(a.HeaderName(), out var actual) && actual != v)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPart, $"The {a.XmlName()} you specified for part {number} did not match what we received.");
                }
            }

            chosen.Add(part);
        }

        for (var i = 0; i < chosen.Count - 1; i++)
        {
            if (chosen[i].Metadata.ActualSize < S3Limits.MinPartSize)
            {
                throw new S3Exception(S3ErrorCode.EntityTooSmall)
                {
                    ExtraElements = [new("ProposedSize", chosen[i].Metadata.ActualSize.ToString(CultureInfo.InvariantCulture)), new("MinSizeAllowed", S3Limits.MinPartSize.ToString(CultureInfo.InvariantCulture)), new("PartNumber", chosen[i].PartNumber.ToString(CultureInfo.InvariantCulture)), new("ETag", chosen[i].Metadata.ETag)],
                };
            }
        }

        if (chosen.Sum(p => p.Metadata.ActualSize) > S3Limits.MaxObjectSize)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge);
        }

        var headers = upload.Metadata.Headers.Where(kv => kv.Key is not (ChecksumAlgorithmKey or ChecksumTypeKey))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        if (UploadAlgorithm(upload) is { } algorithm)
        {
            var type = upload.Metadata.Headers.GetValueOrDefault(ChecksumTypeKey) ?? "COMPOSITE";
            var value = MultipartChecksums.Combine(algorithm, type, chosen);
            if (value is not null && ctx.Header(algorithm.HeaderName()) is { } claimed
                && !string.Equals(claimed.Split('-')[0].Trim(), value.Split('-')[0], StringComparison.Ordinal))
            {
                throw new S3Exception(S3ErrorCode.InvalidChecksum, $"The {algorithm.WireName()} you specified did not match the calculated checksum.");
            }

            if (value is not null)
            {
                headers[algorithm.HeaderName()] = value;
                headers["x-amz-checksum-type"] = type;
            }
        }

        var objectETag = MultipartETag(chosen.Select(p => p.Metadata.ETag));
        var metadata = new ObjectMetadata
        {
            ETag = objectETag,
            Headers = headers,
            Parts = chosen.Select(p => new ObjectPart(p.PartNumber, p.Size, p.Metadata.ActualSize, p.Metadata.ETag)).ToList(),
        };
        var info = await backend.CompleteMultipartUploadAsync(ctx.Bucket, ctx.Key, uploadId, chosen.Select(p => p.PartNumber).ToList(), metadata, ctx.Aborted).ConfigureAwait(false);
        var location = $"{ctx.Request.Scheme}://{ctx.Request.Host}/{ctx.Bucket}/{S3UrlEncoding.Encode(ctx.Key)}";
        var result = S3Result.Xml(S3Xml.Document("CompleteMultipartUploadResult", w =>
        {
            w.Element("Location", location);
            w.Element("Bucket", ctx.Bucket);
            w.Element("Key", ctx.Key);
            w.Element("ETag", S3Xml.QuotedETag(info.Metadata.ETag));
            RequestChecks.WriteChecksumElements(w, info.Metadata.Headers);
            if (info.Metadata.Headers.TryGetValue("x-amz-checksum-type", out var t))
            {
                w.Element("ChecksumType", t);
            }
        }));
        var encryption = SseObjectCodec.Describe(info.Metadata.Headers, null);
        if (encryption.Type != Crypto.Sse.SseType.SseC)
        {
            ObjectWriteHandlers.AddHeaders(result, encryption.Headers(includeContext: false));
        }

        return result;
    }

    public async Task<S3Result> AbortAsync(S3RequestContext ctx)
    {
        await backend.AbortMultipartUploadAsync(ctx.Bucket, ctx.Key, RequestChecks.UploadId(ctx), ctx.Aborted).ConfigureAwait(false);
        return S3Result.Empty(204);
    }

    public async Task<S3Result> ListPartsAsync(S3RequestContext ctx)
    {
        var uploadId = RequestChecks.UploadId(ctx);
        var upload = await backend.GetMultipartUploadAsync(ctx.Bucket, ctx.Key, uploadId, ctx.Aborted).ConfigureAwait(false);
        var marker = RequestChecks.IntQuery(ctx, "part-number-marker", 0, int.MaxValue, 0)!.Value;
        var maxParts = RequestChecks.IntQuery(ctx, "max-parts", 0, 1000, 1000)!.Value;
        var parts = (await backend.ListPartsAsync(ctx.Bucket, ctx.Key, uploadId, ctx.Aborted).ConfigureAwait(false))
            .Where(p => p.PartNumber > marker).OrderBy(p => p.PartNumber).ToList();
        var page = parts.Take(maxParts).ToList();
        var truncated = parts.Count > page.Count;
        return S3Result.Xml(S3Xml.Document("ListPartsResult", w =>
        {
            w.Element("Bucket", ctx.Bucket);
            w.Element("Key", ctx.Key);
            w.Element("UploadId", uploadId);
            w.Owner("Initiator");
            w.Owner();
            w.Element("StorageClass", "STANDARD");
            w.Element("PartNumberMarker", marker);
            w.Element("NextPartNumberMarker", page.Count > 0 ? page[^1].PartNumber : marker);
            w.Element("MaxParts", maxParts);
            w.Element("IsTruncated", truncated);
            if (UploadAlgorithm(upload) is { } a)
            {
                w.Element("ChecksumAlgorithm", a.WireName());
                w.Element("ChecksumType", upload.Metadata.Headers.GetValueOrDefault(ChecksumTypeKey) ?? "COMPOSITE");
            }

            foreach (var p in page)
            {
                w.WriteStartElement("Part");
                w.Element("PartNumber", p.PartNumber);
                w.Element("LastModified", p.LastModified);
                w.Element("ETag", S3Xml.QuotedETag(p.Metadata.ETag));
                w.Element("Size", p.Metadata.ActualSize);
                RequestChecks.WriteChecksumElements(w, p.Metadata.Headers);
                w.WriteEndElement();
            }
        }));
    }

    public async Task<S3Result> ListUploadsAsync(S3RequestContext ctx)
    {
        var prefix = ctx.Query("prefix") ?? "";
        var delimiter = ctx.Query("delimiter") is { Length: > 0 } d ? d : null;
        var keyMarker = ctx.Query("key-marker") ?? "";
        var uploadIdMarker = ctx.Query("upload-id-marker") ?? "";
        var maxUploads = RequestChecks.IntQuery(ctx, "max-uploads", 0, 1000, 1000)!.Value;
        var url = ctx.Query("encoding-type") is { Length: > 0 };
        string E(string s) => url ? S3UrlEncoding.Encode(s) : s;
        if (await backend.GetBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchBucket) { ExtraElements = [new("BucketName", ctx.Bucket)] };
        }

        var all = (await backend.ListMultipartUploadsAsync(ctx.Bucket, prefix, ctx.Aborted).ConfigureAwait(false))
            .OrderBy(u => u.Key, Utf8Order.Instance).ThenBy(u => u.Initiated).ToList();
        var entries = new List<(string Key, MultipartUploadInfo? Upload)>();
        var skipping = keyMarker.Length > 0;
        foreach (var u in all)
        {
            if (delimiter is not null && keyMarker.EndsWith(delimiter, StringComparison.Ordinal) && u.Key.StartsWith(keyMarker, StringComparison.Ordinal))
            {
                continue; // the marker is a common prefix already returned: everything under it was folded into it
            }

            if (skipping)
            {
                var cmp = Utf8Order.Instance.Compare(u.Key, keyMarker);
                if (cmp < 0 || (cmp == 0 && uploadIdMarker.Length == 0))
                {
                    continue;
                }

                if (cmp == 0)
                {
                    if (u.UploadId == uploadIdMarker)
                    {
                        skipping = false;
                    }

                    continue;
                }

                skipping = false;
            }

            if (delimiter is not null)
            {
                var idx = u.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (idx >= 0)
                {
                    var cp = u.Key[..(idx + delimiter.Length)];
                    if (entries.Count == 0 || entries[^1].Key != cp || entries[^1].Upload is not null)
                    {
                        entries.Add((cp, null));
                    }

                    continue;
                }
            }

            entries.Add((u.Key, u));
        }

        var page = entries.Take(maxUploads).ToList();
        var truncated = entries.Count > page.Count;
        return S3Result.Xml(S3Xml.Document("ListMultipartUploadsResult", w =>
        {
            w.Element("Bucket", ctx.Bucket);
            w.Element("KeyMarker", E(keyMarker));
            w.Element("UploadIdMarker", uploadIdMarker);
            if (truncated && page.Count > 0)
            {
                w.Element("NextKeyMarker", E(page[^1].Key));
                w.Element("NextUploadIdMarker", page[^1].Upload?.UploadId ?? "");
            }

            if (delimiter is not null)
            {
                w.Element("Delimiter", E(delimiter));
            }

            w.Element("Prefix", E(prefix));
            if (url)
            {
                w.Element("EncodingType", "url");
            }

            w.Element("MaxUploads", maxUploads);
            w.Element("IsTruncated", truncated);
            foreach (var (key, u) in page.Where(e => e.Upload is not null))
            {
                w.WriteStartElement("Upload");
                w.Element("Key", E(key));
                w.Element("UploadId", u!.UploadId);
                w.Owner("Initiator");
                w.Owner();
                w.Element("StorageClass", "STANDARD");
                w.Element("Initiated", u.Initiated);
                w.WriteEndElement();
            }

            foreach (var (key, _) in page.Where(e => e.Upload is null))
            {
                w.WriteStartElement("CommonPrefixes");
                w.Element("Prefix", E(key));
                w.WriteEndElement();
            }
        }));
    }

    private static ChecksumAlgorithm? UploadAlgorithm(MultipartUploadInfo upload) =>
        upload.Metadata.Headers.TryGetValue(ChecksumAlgorithmKey, out var a) ? ChecksumAlgorithms.Parse(a) : null;

    /// <summary>S3's multipart ETag: MD5 of the concatenated binary part MD5s, then "-N".</summary>
    public static string MultipartETag(IEnumerable<string> partETags)
    {
        var list = partETags.ToList();
        var concat = list.SelectMany(Convert.FromHexString).ToArray();
        return Convert.ToHexStringLower(MD5.HashData(concat)) + "-" + list.Count.ToString(CultureInfo.InvariantCulture);
    }
}
