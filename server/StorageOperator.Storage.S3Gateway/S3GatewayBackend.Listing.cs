using System.Text;
using Amazon.S3.Model;
using StorageOperator.Storage.S3Gateway.Layout;

namespace StorageOperator.Storage.S3Gateway;

public sealed partial class S3GatewayBackend
{
    /// <summary>
    /// One page from the backend's ListObjectsV2 (already in UTF-8 byte order, delimiter folded by
    /// the backend), mapped back to our keys. Our metadata — ETag, plaintext size entries — is not in
    /// a listing, so every listed object costs one HEAD (run <see cref="S3GatewayOptions.ListConcurrency"/>
    /// at a time) plus a sidecar GET for objects whose metadata did not fit in the headers.
    /// </summary>
    public async Task<ListResult> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct)
    {
        var location = _layout.Locate(bucket);
        var prefix = request.Prefix ?? "";
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var startAfter = string.IsNullOrEmpty(request.StartAfter) ? null : request.StartAfter;
        if (!KeyLayout.IsValidUtf16(prefix) || !KeyLayout.IsValidUtf16(delimiter ?? "") || !KeyLayout.IsValidUtf16(startAfter ?? ""))
        {
            throw new StorageException(StorageErrorKind.InvalidKey, "Prefix, delimiter or marker is not valid UTF-16.");
        }
        if (request.MaxKeys <= 0 || !KeyLayout.IsDataKey(location, location.KeyPrefix + prefix))
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
            return new ListResult([], [], false, null);
        }

        var entries = new List<(string Key, bool IsPrefix)>();
        string? token = null;
        bool more;
        do
        {
            var response = await Call(() => _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = location.Bucket,
                Prefix = location.KeyPrefix + prefix,
                Delimiter = delimiter,
                StartAfter = token is null && startAfter is not null ? location.KeyPrefix + startAfter : null,
                ContinuationToken = token,
                MaxKeys = Math.Min(1000, request.MaxKeys - entries.Count + 1),
            }, ct), ct).ConfigureAwait(false);
            var reachedInternal = false;
            foreach (var (backendKey, isPrefix) in Merge(response))
            {
                if (!KeyLayout.IsDataKey(location, backendKey))
                {
                    reachedInternal = true; // internal objects sort last: nothing of ours follows
                    break;
                }
                var key = backendKey[location.KeyPrefix.Length..];
                // A page that ended on a common prefix is continued after it; backends may repeat it.
                if (isPrefix && startAfter is not null && Utf8Compare(key, startAfter) <= 0)
                {
                    continue;
                }
                entries.Add((key, isPrefix));
            }
            more = !reachedInternal && response.IsTruncated == true;
            token = response.NextContinuationToken;
        }
        while (more && entries.Count <= request.MaxKeys);

        var truncated = entries.Count > request.MaxKeys || (more && entries.Count == request.MaxKeys);
        if (entries.Count > request.MaxKeys)
        {
            entries.RemoveRange(request.MaxKeys, entries.Count - request.MaxKeys);
        }
        if (entries.Count == 0)
        {
            await ThrowIfNoBucketAsync(bucket, location, ct).ConfigureAwait(false);
        }

        var objectKeys = entries.Where(e => !e.IsPrefix).Select(e => e.Key).ToList();
        var infos = new ObjectInfo?[objectKeys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, objectKeys.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ListConcurrency, CancellationToken = ct },
            async (i, token2) =>
            {
                var key = objectKeys[i];
                var resolved = await HeadResolvedAsync(location, key, location.KeyPrefix + key, token2).ConfigureAwait(false);
                infos[i] = resolved is null ? null : new ObjectInfo(bucket, key, resolved.Size, resolved.LastModified, resolved.Metadata);
            }).ConfigureAwait(false);

        return new ListResult(
            [.. infos.OfType<ObjectInfo>()],
            [.. entries.Where(e => e.IsPrefix).Select(e => e.Key)],
            truncated,
            truncated ? entries[^1].Key : null);
    }

    /// <summary>Objects and common prefixes of one backend page, merged into one ordered sequence.</summary>
    private static IEnumerable<(string Key, bool IsPrefix)> Merge(ListObjectsV2Response response)
    {
        var objects = response.S3Objects ?? [];
        var prefixes = response.CommonPrefixes ?? [];
        int i = 0, j = 0;
        while (i < objects.Count || j < prefixes.Count)
        {
            if (j == prefixes.Count || (i < objects.Count && Utf8Compare(objects[i].Key, prefixes[j]) < 0))
            {
                yield return (objects[i++].Key, false);
            }
            else
            {
                yield return (prefixes[j++], true);
            }
        }
    }

    internal static int Utf8Compare(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
}
