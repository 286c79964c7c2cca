using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Encryption.Rewrap;

/// <summary>
/// The key-rotate job (reference §2.11): for every SSE-S3/SSE-KMS object in scope, decrypt its data key, unseal the
/// object key, and seal it again under a fresh data key from <see cref="RewrapOptions.ToKey"/> (SSE-KMS) or the KMS
/// default key (SSE-S3, which by definition uses the default key). Only metadata changes, and only if the object
/// is still the version that was read (the stored ETag is the precondition). Progress goes to a checkpoint file, so
/// an interrupted run resumes where it stopped.
/// </summary>
public sealed class RewrapJob(IStorageBackend backend, IKmsClient kms, RewrapOptions options, TextWriter progress, TextWriter errors)
{
    private const int PageSize = 1000;
    private const int CheckpointEvery = 100;

    public async Task<RewrapSummary> RunAsync(CancellationToken ct)
    {
        var checkpoint = RewrapCheckpoint.Load(options.Checkpoint, options);
        if (checkpoint is not null)
        {
            await progress.WriteLineAsync($"resuming after {checkpoint.LastBucket}/{checkpoint.LastKey} ({checkpoint.Rewrapped} re-wrapped before)").ConfigureAwait(false);
        }

        var buckets = options.Bucket is { } only
            ? [await backend.GetBucketAsync(only, ct).ConfigureAwait(false) ?? throw new StorageException(StorageErrorKind.NoSuchBucket, $"bucket '{only}' does not exist")]
            : (await backend.ListBucketsAsync(ct).ConfigureAwait(false)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();

        long scanned = 0, rewrapped = checkpoint?.Rewrapped ?? 0, skipped = 0, failed = 0, sinceSave = 0;
        string? lastBucket = null, lastKey = null;
        foreach (var bucket in buckets.Select(b => b.Name))
        {
            string? after = null;
            while (true)
            {
                var page = await backend.ListObjectsAsync(bucket, new ListRequest(options.Prefix, null, after, PageSize), ct).ConfigureAwait(false);
                foreach (var info in page.Objects)
                {
                    scanned++;
                    if (checkpoint is not null && checkpoint.Covers(bucket, info.Key))
                    {
                        skipped++;
                        continue;
                    }

                    switch (await RewrapOneAsync(info, ct).ConfigureAwait(false))
                    {
                        case true:
                            rewrapped++;
                            break;
                        case false:
                            skipped++;
                            break;
                        default:
                            failed++;
                            break;
                    }

                    // only advance the checkpoint while nothing failed, so a rerun retries the failures
                    if (failed == 0)
                    {
                        (lastBucket, lastKey) = (bucket, info.Key);
                        if (++sinceSave >= CheckpointEvery)
                        {
                            new RewrapCheckpoint(options.ToKey, options.Bucket, options.Prefix, lastBucket, lastKey, rewrapped).Save(options.Checkpoint);
                            sinceSave = 0;
                        }
                    }

                    if (scanned % CheckpointEvery == 0)
                    {
                        await progress.WriteLineAsync($"scanned {scanned}, re-wrapped {rewrapped}, skipped {skipped}, failed {failed} (at {bucket}/{info.Key})").ConfigureAwait(false);
                    }
                }

                if (!page.IsTruncated || page.NextMarker is null)
                {
                    break;
                }

                after = page.NextMarker;
            }
        }

        if (failed == 0)
        {
            File.Delete(options.Checkpoint);
        }
        else if (lastBucket is not null)
        {
            new RewrapCheckpoint(options.ToKey, options.Bucket, options.Prefix, lastBucket, lastKey!, rewrapped).Save(options.Checkpoint);
        }

        var summary = new RewrapSummary(scanned, rewrapped, skipped, failed);
        await progress.WriteLineAsync($"done: scanned {scanned}, re-wrapped {rewrapped}, skipped {skipped}, failed {failed}").ConfigureAwait(false);
        return summary;
    }

    /// <returns>true: re-wrapped; false: not in scope; null: failed (reported).</returns>
    private async Task<bool?> RewrapOneAsync(ObjectInfo info, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var encryption = SseObjectMetadata.Read(info.Metadata.Headers);
                if (encryption is null || encryption.Type is not (SseType.SseS3 or SseType.SseKms))
                {
                    return false;
                }

                var rewrapped = await SseObjectKeys.RewrapAsync(encryption, kms, options.ToKey, info.Bucket, info.Key, ct).ConfigureAwait(false);
                var headers = new Dictionary<string, string>(info.Metadata.Headers, StringComparer.OrdinalIgnoreCase);
                SseObjectMetadata.Write(headers, rewrapped);
                await backend.UpdateObjectMetadataAsync(info.Bucket, info.Key, info.Metadata.ETag, info.Metadata with { Headers = headers }, ct).ConfigureAwait(false);
                return true;
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.PreconditionFailed)
            {
                // replaced meanwhile: the new version was written with a fresh key; re-read it and re-wrap that one
                var current = await backend.GetObjectInfoAsync(info.Bucket, info.Key, ct).ConfigureAwait(false);
                if (current is null)
                {
                    return false;
                }

                info = current;
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.NoSuchKey)
            {
                return false;
            }
            catch (Exception e) when (e is KmsException or SseMetadataException or System.Security.Cryptography.CryptographicException)
            {
                await errors.WriteLineAsync($"failed: {info.Bucket}/{info.Key}: {e.Message}").ConfigureAwait(false);
                return null;
            }
        }

        await errors.WriteLineAsync($"failed: {info.Bucket}/{info.Key}: the object kept changing").ConfigureAwait(false);
        return null;
    }
}
