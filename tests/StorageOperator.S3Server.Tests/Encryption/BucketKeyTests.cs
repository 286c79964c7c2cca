using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3Server.Encryption;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>
/// S3 Bucket Keys for SSE-KMS through AWSSDK.S3 against a real server whose KMS chain is the production one for a key
/// server (decrypted-key cache over the KMS), with the calls that reach the KMS counted.
/// </summary>
public sealed class BucketKeyTests : IAsyncLifetime
{
    private const int Objects = 8;
    private const int Mib = 1024 * 1024;

    private readonly StaticKeyKms _inner = new(SseServer.KeyName, RandomNumberGenerator.GetBytes(32));
    private CountingKms _counting = null!;
    private SseServer _server = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _inner.Dispose();
    }

    [Fact]
    public async Task With_the_header_n_puts_cost_one_generate_and_n_gets_at_most_one_decrypt_and_every_object_has_its_own_key()
    {
        await StartAsync();
        using var s3 = _server.CreateS3Client();
        var bucket = await _server.CreateBucketAsync("bk");
        var data = Enumerable.Range(0, Objects).Select(i => RandomNumberGenerator.GetBytes(4096 + i)).ToList();

        var generates = _counting.Generates;
        for (var i = 0; i < Objects; i++)
        {
            var put = await s3.PutObjectAsync(Kms(new PutObjectRequest { BucketName = bucket, Key = $"o{i}", InputStream = new MemoryStream(data[i]), BucketKeyEnabled = true }));
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
            Assert.True(put.BucketKeyEnabled);
        }
        Assert.Equal(1, _counting.Generates - generates);

        var stored = await StoredAsync(bucket, Enumerable.Range(0, Objects).Select(i => $"o{i}"));
        Assert.All(stored, e => Assert.True(e.BucketKey));
        Assert.Single(stored.Select(e => Convert.ToBase64String(e.KmsCiphertext!)).Distinct());
        Assert.Equal(Objects, stored.Select(e => Convert.ToBase64String(e.SealedKey.Key)).Distinct().Count());
        Assert.Equal(Objects, stored.Select(e => Convert.ToBase64String(e.SealedKey.Iv)).Distinct().Count());

        var decrypts = _counting.Decrypts;
        for (var i = 0; i < Objects; i++)
        {
            using var get = await s3.GetObjectAsync(bucket, $"o{i}");
            Assert.True(get.BucketKeyEnabled);
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, get.ServerSideEncryptionMethod);
            Assert.Equal(data[i], await ReadAsync(get));
        }
        Assert.True(_counting.Decrypts - decrypts <= 1, $"{_counting.Decrypts - decrypts} decrypts");

        var head = await s3.GetObjectMetadataAsync(bucket, "o0");
        Assert.True(head.BucketKeyEnabled);
        Assert.Equal("arn:aws:kms:" + SseServer.KeyName, head.ServerSideEncryptionKeyManagementServiceKeyId);
    }

    [Fact]
    public async Task Without_the_header_every_object_still_gets_its_own_data_key()
    {
        await StartAsync();
        using var s3 = _server.CreateS3Client();
        var bucket = await _server.CreateBucketAsync("nobk");
        var generates = _counting.Generates;
        for (var i = 0; i < 3; i++)
        {
            var put = await s3.PutObjectAsync(Kms(new PutObjectRequest { BucketName = bucket, Key = $"o{i}", ContentBody = $"plain {i}" }));
            Assert.NotEqual(true, put.BucketKeyEnabled);
        }
        Assert.Equal(3, _counting.Generates - generates);

        var stored = await StoredAsync(bucket, ["o0", "o1", "o2"]);
        Assert.All(stored, e => Assert.False(e.BucketKey));
        Assert.Equal(3, stored.Select(e => Convert.ToBase64String(e.KmsCiphertext!)).Distinct().Count());

        var decrypts = _counting.Decrypts;
        for (var i = 0; i < 3; i++)
        {
            using var get = await s3.GetObjectAsync(bucket, $"o{i}");
            Assert.NotEqual(true, get.BucketKeyEnabled);
            Assert.Equal($"plain {i}", System.Text.Encoding.UTF8.GetString(await ReadAsync(get)));
        }
        Assert.Equal(3, _counting.Decrypts - decrypts);
    }

    [Fact]
    public async Task A_bucket_default_with_bucket_key_applies_a_false_header_overrides_it_and_copies_follow_the_target()
    {
        await StartAsync();
        using var s3 = _server.CreateS3Client();
        var bucket = await _server.CreateBucketAsync("bkdefault");
        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                        {
                            ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName,
                        },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });

        var generates = _counting.Generates;
        var defaulted = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "d1", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "d2", ContentBody = "two" });
        // an explicit SSE-KMS request that does not mention bucket keys gets the bucket's setting too (AWS)
        var explicitKms = await s3.PutObjectAsync(Kms(new PutObjectRequest { BucketName = bucket, Key = "d3", ContentBody = "three" }));
        Assert.True(defaulted.BucketKeyEnabled);
        Assert.True(explicitKms.BucketKeyEnabled);
        Assert.Equal(1, _counting.Generates - generates);

        var refused = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "own", ContentBody = "own key", BucketKeyEnabled = false });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, refused.ServerSideEncryptionMethod);
        Assert.NotEqual(true, refused.BucketKeyEnabled);
        Assert.Equal(2, _counting.Generates - generates);
        var stored = await StoredAsync(bucket, ["d1", "d3", "own"]);
        Assert.Equal(new[] { true, true, false }, stored.Select(e => e.BucketKey));

        // CopyObject: the target is encrypted as the request and its bucket say, whatever the source was
        var intoDefault = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "own", DestinationBucket = bucket, DestinationKey = "copy-bk" });
        Assert.True(intoDefault.BucketKeyEnabled);
        var other = await _server.CreateBucketAsync("plain");
        var outOfDefault = await s3.CopyObjectAsync(Kms(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "d1", DestinationBucket = other, DestinationKey = "copy-own" }));
        Assert.NotEqual(true, outOfDefault.BucketKeyEnabled);
        Assert.Equal(2 + 1, _counting.Generates - generates);
        Assert.Equal("own key", await TextAsync(s3, bucket, "copy-bk"));
        Assert.Equal("one", await TextAsync(s3, other, "copy-own"));
        Assert.Equal(new[] { true, false }, (await StoredAsync(bucket, ["copy-bk"])).Concat(await StoredAsync(other, ["copy-own"])).Select(e => e.BucketKey));
    }

    [Fact]
    public async Task Objects_are_readable_after_a_restart_and_a_new_data_key_is_generated_after_the_ttl()
    {
        var time = new ManualTime();
        await StartAsync(time);
        using (var s3 = _server.CreateS3Client())
        {
            var generates = _counting.Generates;
            var bucket = await _server.CreateBucketAsync("bkttl");
            for (var i = 0; i < 6; i++)
            {
                if (i == 3)
                {
                    time.Advance(TimeSpan.FromMinutes(5));
                }

                await s3.PutObjectAsync(Kms(new PutObjectRequest { BucketName = bucket, Key = $"o{i}", ContentBody = $"object {i}", BucketKeyEnabled = true }));
            }

            Assert.Equal(2, _counting.Generates - generates);
            var stored = await StoredAsync(bucket, Enumerable.Range(0, 6).Select(i => $"o{i}"));
            var dataKeys = stored.Select(e => Convert.ToBase64String(e.KmsCiphertext!)).ToList();
            Assert.Single(dataKeys.Take(3).Distinct());
            Assert.Single(dataKeys.Skip(3).Distinct());
            Assert.NotEqual(dataKeys[0], dataKeys[3]);

            // a new process: empty data-key and bucket-key caches, only the stored metadata and the KMS
            var counting = new CountingKms(_inner);
            await _server.RestartAsync(new CachingKmsClient(counting, TimeSpan.FromMinutes(1), time: time));
            using var restarted = _server.CreateS3Client();
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal($"object {i}", await TextAsync(restarted, bucket, $"o{i}"));
            }

            Assert.Equal(2, counting.Decrypts);
            Assert.Equal(0, counting.Generates);
        }
    }

    [Fact]
    public async Task Multipart_upload_with_a_bucket_key_parts_complete_and_ranged_gets()
    {
        await StartAsync();
        using var s3 = _server.CreateS3Client();
        var bucket = await _server.CreateBucketAsync("bkmp");
        var generates = _counting.Generates;
        await s3.PutObjectAsync(Kms(new PutObjectRequest { BucketName = bucket, Key = "single", ContentBody = "x", BucketKeyEnabled = true }));

        var data = RandomNumberGenerator.GetBytes(5 * Mib + 300_000);
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName, BucketKeyEnabled = true,
        });
        Assert.True(init.BucketKeyEnabled);
        // the upload shares the bucket's data key with the single PUT before it
        Assert.Equal(1, _counting.Generates - generates);

        var etags = new List<PartETag>();
        foreach (var (number, offset, length) in new[] { (1, 0, 5 * Mib), (2, 5 * Mib, data.Length - (5 * Mib)) })
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = number, InputStream = new MemoryStream(data, offset, length),
            });
            Assert.True(part.BucketKeyEnabled);
            etags.Add(new PartETag(number, part.ETag));
        }

        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartETags = etags });
        Assert.True(complete.BucketKeyEnabled);
        Assert.True((await StoredAsync(bucket, ["mp"]))[0].BucketKey);

        Assert.Equal(data, await AwsSdkSseTests.GetAsync(s3, bucket, "mp"));
        var across = new ByteRange(5 * Mib - 70_000, 5 * Mib + 70_000);
        Assert.Equal(data[(int)across.Start..((int)across.End + 1)], await AwsSdkSseTests.GetAsync(s3, bucket, "mp", range: across));
        var tail = new ByteRange(data.Length - 10, data.Length - 1);
        Assert.Equal(data[^10..], await AwsSdkSseTests.GetAsync(s3, bucket, "mp", range: tail));
        // parts, whole and ranged reads all opened the one shared data key
        Assert.True(_counting.Decrypts <= 1, $"{_counting.Decrypts} decrypts");
    }

    /// <param name="time">the caches' clock; it only moves when a test moves it, so no count depends on how fast the machine is.</param>
    private async Task StartAsync(ManualTime? time = null)
    {
        time ??= new ManualTime();
        _counting = new CountingKms(_inner);
        // the production chain for a key server: decrypted-key cache over the KMS, bucket-key cache over both
        var kms = new CachingKmsClient(_counting, TimeSpan.FromMinutes(1), time: time);
        _server = await SseServer.StartAsync(EncryptionPolicy.Off, kms, bucketKeys: new BucketKeyCache(kms, BucketKeyCache.DefaultTtl, time: time));
    }

    private async Task<List<SseObjectEncryption>> StoredAsync(string bucket, IEnumerable<string> keys)
    {
        var backend = _server.App.Services.GetRequiredService<IStorageBackend>();
        var result = new List<SseObjectEncryption>();
        foreach (var key in keys)
        {
            var info = await backend.GetObjectInfoAsync(bucket, key, default);
            result.Add(SseObjectMetadata.Read(info!.Metadata.Headers)!);
        }

        return result;
    }

    private static T Kms<T>(T request) where T : AmazonWebServiceRequest
    {
        switch (request)
        {
            case PutObjectRequest put:
                put.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                put.ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName;
                break;
            case CopyObjectRequest copy:
                copy.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                copy.ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName;
                break;
        }

        return request;
    }

    private static async Task<byte[]> ReadAsync(GetObjectResponse response)
    {
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    private static async Task<string> TextAsync(IAmazonS3 s3, string bucket, string key) =>
        System.Text.Encoding.UTF8.GetString(await AwsSdkSseTests.GetAsync(s3, bucket, key));

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
