using System.Collections;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;

namespace StorageOperator.S3Server.Tests.Encryption;

public sealed class EncryptionPolicyTests
{
    [Fact]
    public void Environment_mode_defaults_to_sse_kms_as_minio_and_accepts_sse_s3()
    {
        Assert.Equal(new EncryptionPolicy(true, SseType.SseKms, false), EncryptionPolicy.FromEnvironment(new Hashtable(), autoEncryption: true));
        Assert.Equal(new EncryptionPolicy(true, SseType.SseS3, true), EncryptionPolicy.FromEnvironment(
            new Hashtable { ["STORAGE_KMS_AUTO_ENCRYPTION_MODE"] = "sse-s3", ["STORAGE_ENCRYPTION_ENFORCE"] = "on" }, autoEncryption: true));
        Assert.Throws<KmsConfigurationException>(() => EncryptionPolicy.FromEnvironment(new Hashtable { ["STORAGE_KMS_AUTO_ENCRYPTION_MODE"] = "SSE-X" }, true));
        Assert.Throws<KmsConfigurationException>(() => EncryptionPolicy.FromEnvironment(new Hashtable { ["STORAGE_ENCRYPTION_ENFORCE"] = "maybe" }, true));
    }

    [Fact]
    public void Bucket_key_ttl_defaults_to_five_minutes_zero_turns_reuse_off_and_junk_is_refused()
    {
        var secret = "my-key:" + Convert.ToBase64String(new byte[32]);
        using (var defaults = SseStartup.FromEnvironment(new Hashtable { ["STORAGE_KMS_SECRET_KEY"] = secret }, null))
        {
            Assert.Equal(TimeSpan.FromMinutes(5), defaults.BucketKeys!.Ttl);
        }

        using (var off = SseStartup.FromEnvironment(new Hashtable { ["STORAGE_KMS_SECRET_KEY"] = secret, [SseStartup.BucketKeyTtlVariable] = "0" }, null))
        {
            Assert.Equal(TimeSpan.Zero, off.BucketKeys!.Ttl);
        }

        Assert.Null(SseStartup.FromEnvironment(new Hashtable(), null).BucketKeys);
        var e = Assert.Throws<KmsConfigurationException>(() => SseStartup.FromEnvironment(
            new Hashtable { ["STORAGE_KMS_SECRET_KEY"] = secret, [SseStartup.BucketKeyTtlVariable] = "5m" }, null));
        Assert.Contains(SseStartup.BucketKeyTtlVariable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Minio_alias_turns_auto_encryption_on()
    {
        var kms = KmsConfiguration.FromEnvironment(new Hashtable
        {
            ["MINIO_KMS_AUTO_ENCRYPTION"] = "on",
            ["MINIO_KMS_SECRET_KEY"] = "my-key:" + Convert.ToBase64String(new byte[32]),
        });
        Assert.True(EncryptionPolicy.FromEnvironment(new Hashtable(), kms.AutoEncryption).AutoEncryption);
    }

    [Fact]
    public void Request_then_bucket_default_then_auto_encryption_then_enforcement()
    {
        var sseC = new SseRequest(SseType.SseC);
        var auto = new EncryptionPolicy(true, SseType.SseKms);
        var bucket = new BucketEncryptionConfiguration(SseType.SseKms, "bucket-key");
        Assert.Same(sseC, auto.Resolve(sseC, bucket));
        Assert.Equal("bucket-key", auto.Resolve(SseRequest.None, bucket).KmsKeyId);
        Assert.Equal(new SseRequest(SseType.SseKms), auto.Resolve(SseRequest.None, null));
        Assert.Equal(new SseRequest(SseType.SseS3), (auto with { AutoMode = SseType.SseS3 }).Resolve(SseRequest.None, null));
        Assert.Equal(SseRequest.None, EncryptionPolicy.Off.Resolve(SseRequest.None, null));

        var enforced = new EncryptionPolicy(false, Enforce: true);
        var e = Assert.Throws<S3Exception>(() => enforced.Resolve(SseRequest.None, null));
        Assert.Equal(("AccessDenied", 403, EncryptionPolicy.EnforcedMessage), (e.Info.Code, e.HttpStatus, e.Message));
        Assert.Equal(SseType.SseS3, enforced.Resolve(SseRequest.None, new BucketEncryptionConfiguration(SseType.SseS3, null)).Type);
    }

    [Fact]
    public void Bucket_keys_come_from_the_request_header_else_from_the_bucket_default_and_apply_to_sse_kms_only()
    {
        var withBucketKey = new BucketEncryptionConfiguration(SseType.SseKms, "k", BucketKeyEnabled: true);
        var sseKms = new SseRequest(SseType.SseKms, KmsKeyId: "k");
        Assert.True(EncryptionPolicy.Off.Resolve(SseRequest.None, withBucketKey).UsesBucketKey);
        Assert.True(EncryptionPolicy.Off.Resolve(sseKms, withBucketKey).UsesBucketKey);
        Assert.False(EncryptionPolicy.Off.Resolve(sseKms with { BucketKeyEnabled = false }, withBucketKey).UsesBucketKey);
        Assert.False(EncryptionPolicy.Off.Resolve(new SseRequest(SseType.None, BucketKeyEnabled: false), withBucketKey).UsesBucketKey);
        Assert.False(EncryptionPolicy.Off.Resolve(sseKms, new BucketEncryptionConfiguration(SseType.SseKms, "k")).UsesBucketKey);
        Assert.True(EncryptionPolicy.Off.Resolve(new SseRequest(SseType.None, BucketKeyEnabled: true), new BucketEncryptionConfiguration(SseType.SseKms, "k")).UsesBucketKey);
        Assert.True(new EncryptionPolicy(true).Resolve(new SseRequest(SseType.None, BucketKeyEnabled: true), null).UsesBucketKey);
        Assert.False(EncryptionPolicy.Off.Resolve(new SseRequest(SseType.SseS3), withBucketKey with { Algorithm = SseType.SseS3 }).UsesBucketKey);
    }

    [Fact]
    public void A_bucket_that_blocks_sse_c_refuses_it()
    {
        var e = Assert.Throws<S3Exception>(() => EncryptionPolicy.Off.Resolve(new SseRequest(SseType.SseC), new BucketEncryptionConfiguration(SseType.SseS3, null, BlockSseC: true)));
        Assert.Equal(403, e.HttpStatus);
    }
}
