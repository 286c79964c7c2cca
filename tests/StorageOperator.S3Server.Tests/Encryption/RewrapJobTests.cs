using StorageOperator.Crypto.Sse;
using StorageOperator.S3Server.Encryption.Rewrap;

namespace StorageOperator.S3Server.Tests.Encryption;

public sealed class RewrapJobTests
{
    private static Microsoft.AspNetCore.Http.HeaderDictionary Kms(string key) =>
        CodecHarness.Headers(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", key));

    [Fact]
    public async Task Rewrap_moves_sse_kms_keys_to_the_new_key_metadata_only_and_resumes_after_a_failure()
    {
        var kms = new MultiKeyKms("default");
        kms.Add("default");
        kms.Add("old");
        kms.Add("new");
        using var h = new CodecHarness(kms: kms);
        var bucket = await h.BucketAsync();
        var objects = new Dictionary<string, byte[]>();
        for (var i = 0; i < 6; i++)
        {
            var data = System.Text.Encoding.UTF8.GetBytes($"object {i} " + new string('x', i * 1000));
            objects[$"kms/{i}"] = data;
            await h.PutAsync(bucket, $"kms/{i}", data, Kms("old"));
        }

        await h.PutAsync(bucket, "s3", [1, 2, 3], CodecHarness.Headers(("x-amz-server-side-encryption", "AES256")));
        await h.PutAsync(bucket, "ssec", [4], CodecHarness.SseC());
        await h.PutAsync(bucket, "plain", [5], CodecHarness.Headers());
        var before = (await h.Backend.GetObjectInfoAsync(bucket, "kms/3", default))!;

        var options = RewrapOptions.Parse([Path.Combine(h.Dir.Path, "data"), "--to-key", "new", "--bucket", bucket]);
        Assert.Equal(Path.Combine(h.Dir.Path, "data", ".rewrap-checkpoint"), options.Checkpoint);

        // first run: the KMS goes away after a few calls
        kms.FailAfter = 5;
        var output = new StringWriter();
        var errors = new StringWriter();
        var first = await new RewrapJob(h.Backend, kms, options, output, errors).RunAsync(default);
        Assert.True(first.Failed > 0, output.ToString());
        Assert.Contains("failed: ", errors.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(options.Checkpoint));

        kms.FailAfter = null;
        output = new StringWriter();
        var second = await new RewrapJob(h.Backend, kms, options, output, new StringWriter()).RunAsync(default);
        Assert.Equal(0, second.Failed);
        Assert.Contains("resuming after", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("done: scanned 9", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(options.Checkpoint));

        // the old key can go: every SSE-KMS object now needs only "new"
        kms.Remove("old");
        foreach (var (key, data) in objects)
        {
            var info = (await h.Backend.GetObjectInfoAsync(bucket, key, default))!;
            Assert.Equal("new", SseObjectMetadata.Read(info.Metadata.Headers)!.KmsKeyId);
            Assert.Equal(data, await h.GetAsync(bucket, key, 0, data.Length, CodecHarness.Headers()));
        }

        var after = (await h.Backend.GetObjectInfoAsync(bucket, "kms/3", default))!;
        Assert.Equal(before.Size, after.Size);
        Assert.Equal(before.Metadata.ETag, after.Metadata.ETag);
        Assert.Equal("default", SseObjectMetadata.Read((await h.Backend.GetObjectInfoAsync(bucket, "s3", default))!.Metadata.Headers)!.KmsKeyId);
        Assert.Equal([1, 2, 3], await h.GetAsync(bucket, "s3", 0, 3, CodecHarness.Headers()));
        Assert.Equal([4], await h.GetAsync(bucket, "ssec", 0, 1, CodecHarness.SseC()));
    }

    [Fact]
    public void Options_require_a_data_dir_and_a_target_key()
    {
        Assert.Throws<ArgumentException>(() => RewrapOptions.Parse(["--to-key", "k"]));
        Assert.Throws<ArgumentException>(() => RewrapOptions.Parse(["/data"]));
        Assert.Throws<ArgumentException>(() => RewrapOptions.Parse(["/data", "--to-key", "k", "--bogus"]));
        var o = RewrapOptions.Parse(["/data", "--to-key", "k", "--prefix", "p/", "--checkpoint", "/tmp/cp"]);
        Assert.Equal(new RewrapOptions("/data", "k", null, "p/", "/tmp/cp"), o);
    }
}

public sealed class RewrapCommandTests
{
    [Fact]
    public async Task The_admin_command_rewraps_offline_with_the_environment_kms_and_refuses_an_unknown_target_key()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var environment = new System.Collections.Hashtable { ["STORAGE_KMS_SECRET_KEY"] = "default-key:" + Convert.ToBase64String(key) };
        var dir = new StorageOperator.TestCommon.TempDirectory("rewrap-cmd");
        try
        {
            var data = dir.Sub("data");
            using (var backend = new StorageOperator.Storage.FileSystem.FileSystemBackend(data))
            using (var kms = new StorageOperator.Crypto.Kms.StaticKeyKms("default-key", key))
            {
                var codec = new StorageOperator.S3Server.Encryption.SseObjectCodec(backend, kms, new StorageOperator.S3Server.Encryption.EncryptionPolicy(true));
                await backend.CreateBucketAsync("bucket", default);
                await using var write = await codec.BeginWriteAsync(new MemoryStream([1, 2, 3]), "bucket", "k", CodecHarness.Headers(), default);
                await backend.PutObjectAsync("bucket", "k", write.Stored, _ =>
                {
                    var metadata = new Dictionary<string, string>(write.Metadata);
                    return new StorageOperator.Storage.ObjectMetadata { ETag = write.ETag(new byte[16], false, metadata), Headers = metadata };
                }, default);
            }

            var output = new StringWriter();
            var errors = new StringWriter();
            Assert.Equal(2, await StorageOperator.S3Server.Encryption.Rewrap.RewrapCommand.RunAsync([data, "--to-key", "other"], environment, null, output, errors, default));
            Assert.Contains("no key 'other'", errors.ToString(), StringComparison.Ordinal);

            Assert.Equal(0, await StorageOperator.S3Server.Encryption.Rewrap.RewrapCommand.RunAsync([data, "--to-key", "default-key"], environment, null, output, errors, default));
            Assert.Contains("done: scanned 1, re-wrapped 1", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(2, await StorageOperator.S3Server.Encryption.Rewrap.RewrapCommand.RunAsync([data, "--to-key", "k"], new System.Collections.Hashtable(), null, output, errors, default));
        }
        finally
        {
            dir.Dispose();
        }
    }
}
