using System.Security.Cryptography;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Handlers;
using StorageOperator.S3Server.Pipeline;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Encryption;

/// <summary>PutBucketEncryption, GetBucketEncryption and DeleteBucketEncryption (reference §1.5).</summary>
public sealed class BucketEncryptionHandlers(IStorageBackend backend, SseObjectCodec sse)
{
    public async Task<S3Result> PutAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);
        var body = await RequestChecks.ReadSmallBodyAsync(ctx).ConfigureAwait(false);
        var configuration = BucketEncryptionConfiguration.Parse(body);
        if (sse.Kms is not { } kms)
        {
            throw SseErrors.KmsNotConfigured();
        }

        if (configuration.Algorithm == SseType.SseKms && configuration.KmsMasterKeyId is { } keyId)
        {
            // MinIO checks the key exists (AWS does not): a default that fails every later write is better refused now.
            try
            {
                var probe = await kms.GenerateKeyAsync(keyId, KmsContext.Marshal([new("MinIO admin API", "ServerInfoHandler")]), ctx.Aborted).ConfigureAwait(false);
                CryptographicOperations.ZeroMemory(probe.Plaintext);
            }
            catch (KmsException e)
            {
                throw SseErrors.FromKms(e, keyId);
            }
        }

        await backend.PutBucketConfigAsync(ctx.Bucket, BucketEncryptionConfiguration.ConfigName, configuration.ToXml(), ctx.Aborted).ConfigureAwait(false);
        return S3Result.Empty();
    }

    public async Task<S3Result> GetAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);
        var configuration = await sse.GetBucketDefaultAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false)
            ?? throw new S3Exception(S3ErrorCode.ServerSideEncryptionConfigurationNotFoundError) { ExtraElements = [new("BucketName", ctx.Bucket)] };
        return S3Result.Xml(configuration.ToXml());
    }

    public async Task<S3Result> DeleteAsync(S3RequestContext ctx)
    {
        await RequireBucketAsync(ctx).ConfigureAwait(false);
        await backend.DeleteBucketConfigAsync(ctx.Bucket, BucketEncryptionConfiguration.ConfigName, ctx.Aborted).ConfigureAwait(false);
        return S3Result.Empty(204);
    }

    private async Task RequireBucketAsync(S3RequestContext ctx)
    {
        if (await backend.GetBucketAsync(ctx.Bucket, ctx.Aborted).ConfigureAwait(false) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchBucket) { ExtraElements = [new("BucketName", ctx.Bucket)] };
        }
    }
}
