using StorageOperator.KeyServer.Keys;
using StorageOperator.KeyServer.KeyStores;

namespace StorageOperator.KeyServer.Tests.KeyStores;

public sealed class MemoryKeyStoreTests
{
    [Fact]
    public async Task Create_get_list_delete_with_KES_errors()
    {
        var store = new MemoryKeyStore();
        var key = SecretKey.Generate(KeyAlgorithm.ChaCha20, "", DateTimeOffset.UtcNow);
        await store.CreateAsync("b", key, default);
        await store.CreateAsync("a", key, default);
        Assert.Equal(KeyStoreError.Exists, (await Assert.ThrowsAsync<KeyStoreException>(() => store.CreateAsync("a", key, default))).Error);
        Assert.Same(key, await store.GetAsync("a", default));
        Assert.Equal(["a", "b"], await store.ListAsync("", default));
        await store.DeleteAsync("a", default);
        Assert.Equal(KeyStoreError.NotFound, (await Assert.ThrowsAsync<KeyStoreException>(() => store.GetAsync("a", default))).Error);
        Assert.Equal(KeyStoreError.NotFound, (await Assert.ThrowsAsync<KeyStoreException>(() => store.DeleteAsync("a", default))).Error);
    }
}
