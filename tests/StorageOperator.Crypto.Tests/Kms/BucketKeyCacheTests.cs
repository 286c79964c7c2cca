using StorageOperator.Crypto.Kms;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

public class BucketKeyCacheTests
{
    private const string Secret = "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Context = KmsContext.Marshal(KmsContext.ForBucket("bucket"));

    [Fact]
    public async Task One_data_key_per_bucket_is_reused_until_the_ttl_expires_then_a_new_one_is_generated()
    {
        var time = new ManualTime();
        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        using var cache = new BucketKeyCache(counting, TimeSpan.FromMinutes(5), time: time);

        var first = await cache.GenerateKeyAsync("bucket", "", Context, None);
        for (var i = 0; i < 5; i++)
        {
            var again = await cache.GenerateKeyAsync("bucket", "my-key", Context, None);
            Assert.Equal(first.Plaintext, again.Plaintext);
            Assert.Equal(first.Ciphertext, again.Ciphertext);
            Assert.Equal("my-key", again.KeyId);
        }
        Assert.Equal(1, counting.Generates);

        time.Advance(TimeSpan.FromMinutes(5));
        var next = await cache.GenerateKeyAsync("bucket", "", Context, None);
        Assert.NotEqual(first.Ciphertext, next.Ciphertext);
        Assert.Equal(2, counting.Generates);
    }

    [Fact]
    public async Task Buckets_and_contexts_get_their_own_keys_and_callers_get_copies()
    {
        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        using var cache = new BucketKeyCache(counting, TimeSpan.FromMinutes(5));
        var a = await cache.GenerateKeyAsync("bucket", "", Context, None);
        var other = KmsContext.Marshal(KmsContext.ForBucket("other"));
        var b = await cache.GenerateKeyAsync("other", "", other, None);
        var withClientContext = KmsContext.Marshal(KmsContext.ForBucket("bucket", new Dictionary<string, string> { ["team"] = "x" }));
        var c = await cache.GenerateKeyAsync("bucket", "", withClientContext, None);
        Assert.Equal(3, counting.Generates);
        Assert.NotEqual(a.Ciphertext, b.Ciphertext);
        Assert.NotEqual(a.Ciphertext, c.Ciphertext);

        // the caller zeroes its copy (as SseObjectKeys does); the cached key is untouched
        var expected = (byte[])a.Plaintext.Clone();
        Array.Clear(a.Plaintext);
        Assert.Equal(expected, (await cache.GenerateKeyAsync("bucket", "", Context, None)).Plaintext);
        Assert.Equal(expected, await counting.DecryptAsync("my-key", a.Ciphertext, Context, None));
    }

    [Fact]
    public async Task Concurrent_first_requests_share_one_kms_call()
    {
        var gated = new GatedKms(StaticKeyKms.Parse(Secret));
        using var cache = new BucketKeyCache(gated, TimeSpan.FromMinutes(5));
        var calls = Enumerable.Range(0, 16).Select(_ => cache.GenerateKeyAsync("bucket", "", Context, None)).ToList();
        gated.Release.SetResult();
        var keys = await Task.WhenAll(calls);
        Assert.Equal(1, gated.Generates);
        Assert.All(keys, k => Assert.Equal(keys[0].Plaintext, k.Plaintext));
    }

    [Fact]
    public async Task A_failure_is_not_cached_and_ttl_zero_turns_reuse_off()
    {
        var gated = new GatedKms(StaticKeyKms.Parse(Secret)) { Fail = true };
        gated.Release.SetResult();
        using var cache = new BucketKeyCache(gated, TimeSpan.FromMinutes(5));
        await Assert.ThrowsAsync<KmsException>(() => cache.GenerateKeyAsync("bucket", "", Context, None));
        Assert.Equal(0, cache.Count);
        gated.Fail = false;
        await cache.GenerateKeyAsync("bucket", "", Context, None);
        Assert.Equal(2, gated.Generates);

        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        using var off = new BucketKeyCache(counting, TimeSpan.Zero);
        var x = await off.GenerateKeyAsync("bucket", "", Context, None);
        var y = await off.GenerateKeyAsync("bucket", "", Context, None);
        Assert.NotEqual(x.Plaintext, y.Plaintext);
        Assert.Equal(2, counting.Generates);
    }

    [Fact]
    public async Task Dispose_drops_every_key()
    {
        var cache = new BucketKeyCache(new CountingKms(StaticKeyKms.Parse(Secret)), TimeSpan.FromMinutes(5));
        await cache.GenerateKeyAsync("bucket", "", Context, None);
        Assert.Equal(1, cache.Count);
        cache.Dispose();
        Assert.Equal(0, cache.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GenerateKeyAsync("bucket", "", Context, None));
    }

    private sealed class CountingKms(IKmsClient inner) : IKmsClient
    {
        public int Generates;

        public string DefaultKeyId => inner.DefaultKeyId;

        public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Generates);
            return inner.GenerateKeyAsync(keyId, context, cancellationToken);
        }

        public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
            inner.DecryptAsync(keyId, ciphertext, context, cancellationToken);

        public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken) => inner.CreateKeyAsync(keyId, cancellationToken);

        public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) => inner.StatusAsync(cancellationToken);
    }

    /// <summary>GenerateKey waits for <see cref="Release"/>, so concurrent callers all arrive before the KMS answers.</summary>
    private sealed class GatedKms(IKmsClient inner) : IKmsClient
    {
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Generates;
        public volatile bool Fail;

        public string DefaultKeyId => inner.DefaultKeyId;

        public async Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Generates);
            await Release.Task;
            return Fail
                ? throw new KmsException(KmsErrorKind.Unavailable, "connection refused")
                : await inner.GenerateKeyAsync(keyId, context, cancellationToken);
        }

        public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
            inner.DecryptAsync(keyId, ciphertext, context, cancellationToken);

        public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken) => inner.CreateKeyAsync(keyId, cancellationToken);

        public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) => inner.StatusAsync(cancellationToken);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
