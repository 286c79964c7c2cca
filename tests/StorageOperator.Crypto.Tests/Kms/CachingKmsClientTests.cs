using StorageOperator.Crypto.Kms;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

public class CachingKmsClientTests
{
    private const string Secret = "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Repeated_decrypts_of_one_data_key_reach_the_kms_once_until_the_ttl_expires()
    {
        var time = new ManualTime();
        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        using var cache = new CachingKmsClient(counting, TimeSpan.FromSeconds(60), time: time);
        var context = KmsContext.Marshal(KmsContext.ForObject("bucket", "object"));
        var key = await cache.GenerateKeyAsync("", context, None);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(key.Plaintext, await cache.DecryptAsync("my-key", key.Ciphertext, context, None));
        }
        Assert.Equal(1, counting.Decrypts);

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(key.Plaintext, await cache.DecryptAsync("my-key", key.Ciphertext, context, None));
        Assert.Equal(2, counting.Decrypts);
    }

    [Fact]
    public async Task Generate_is_never_cached_and_the_context_is_part_of_the_cache_key()
    {
        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        using var cache = new CachingKmsClient(counting, TimeSpan.FromMinutes(1));
        var context = KmsContext.Marshal(KmsContext.ForObject("bucket", "object"));
        var first = await cache.GenerateKeyAsync("", context, None);
        var second = await cache.GenerateKeyAsync("", context, None);
        Assert.NotEqual(first.Plaintext, second.Plaintext);

        await cache.DecryptAsync("my-key", first.Ciphertext, context, None);
        var other = KmsContext.Marshal(KmsContext.ForObject("bucket", "other"));
        var e = await Assert.ThrowsAsync<KmsException>(() => cache.DecryptAsync("my-key", first.Ciphertext, other, None));
        Assert.Equal(KmsErrorKind.DecryptionFailed, e.Kind);
        Assert.Equal(2, counting.Decrypts);
    }

    [Fact]
    public async Task Callers_get_copies_so_zeroing_one_does_not_poison_the_cache_and_dispose_empties_it()
    {
        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        var cache = new CachingKmsClient(counting, TimeSpan.FromMinutes(1));
        var context = KmsContext.Marshal(KmsContext.ForObject("b", "o"));
        var key = await cache.GenerateKeyAsync("", context, None);

        var copy = await cache.DecryptAsync("my-key", key.Ciphertext, context, None);
        Array.Clear(copy);
        Assert.Equal(key.Plaintext, await cache.DecryptAsync("my-key", key.Ciphertext, context, None));
        Assert.Equal(1, cache.Count);

        cache.Dispose();
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var counting = new CountingKms(StaticKeyKms.Parse(Secret));
        using var cache = new CachingKmsClient(counting, TimeSpan.FromMinutes(1), capacity: 3);
        for (var i = 0; i < 10; i++)
        {
            var context = KmsContext.Marshal(KmsContext.ForObject("b", "o" + i));
            var key = await cache.GenerateKeyAsync("", context, None);
            Assert.Equal(key.Plaintext, await cache.DecryptAsync("my-key", key.Ciphertext, context, None));
        }
        Assert.Equal(3, cache.Count);
    }

    private sealed class CountingKms(IKmsClient inner) : IKmsClient
    {
        public int Decrypts;

        public string DefaultKeyId => inner.DefaultKeyId;

        public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
            inner.GenerateKeyAsync(keyId, context, cancellationToken);

        public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Decrypts);
            return inner.DecryptAsync(keyId, ciphertext, context, cancellationToken);
        }

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
