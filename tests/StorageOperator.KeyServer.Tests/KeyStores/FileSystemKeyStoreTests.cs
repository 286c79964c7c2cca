using System.Security.Cryptography;
using StorageOperator.KeyServer.Keys;
using StorageOperator.KeyServer.KeyStores;

namespace StorageOperator.KeyServer.Tests.KeyStores;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileSystemKeyStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "key-server-fs-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _root = RandomNumberGenerator.GetBytes(32);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static SecretKey NewKey() => SecretKey.Generate(KeyAlgorithm.Aes256, "creator", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Round_trips_a_key_in_a_0600_file_that_does_not_contain_the_key_material()
    {
        var store = new FileSystemKeyStore(_dir, _root);
        var key = NewKey();
        await store.CreateAsync("k1", key, default);
        var path = Path.Combine(_dir, "k1");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal("KSK1"u8.ToArray(), bytes[..4]);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(key.Material));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key.Material))));

        var loaded = await new FileSystemKeyStore(_dir, _root).GetAsync("k1", default);
        Assert.Equal(key.Material, loaded.Material);
        Assert.Equal(key.HmacKey, loaded.HmacKey);
        Assert.Equal(key.Algorithm, loaded.Algorithm);
        Assert.Equal("creator", loaded.CreatedBy);
    }

    [Fact]
    public async Task An_existing_key_is_never_overwritten()
    {
        var store = new FileSystemKeyStore(_dir, _root);
        await store.CreateAsync("k", NewKey(), default);
        var before = await File.ReadAllBytesAsync(Path.Combine(_dir, "k"));
        var e = await Assert.ThrowsAsync<KeyStoreException>(() => store.CreateAsync("k", NewKey(), default));
        Assert.Equal(KeyStoreError.Exists, e.Error);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(_dir, "k")));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_have_exactly_one_winner_whose_key_is_stored()
    {
        var store = new FileSystemKeyStore(_dir, _root);
        var keys = Enumerable.Range(0, 16).Select(_ => NewKey()).ToArray();
        var results = await Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                await Task.Yield();
                await store.CreateAsync("race", key, default);
                return key;
            }
            catch (KeyStoreException e) when (e.Error == KeyStoreError.Exists)
            {
                return null;
            }
        }));
        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner!.Material, (await store.GetAsync("race", default)).Material);
        Assert.Equal(["race"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_file_renamed_to_another_key_or_opened_with_another_root_key_is_corrupt()
    {
        var store = new FileSystemKeyStore(_dir, _root);
        await store.CreateAsync("a", NewKey(), default);
        File.Copy(Path.Combine(_dir, "a"), Path.Combine(_dir, "b"));
        Assert.Equal(KeyStoreError.Corrupt, (await Assert.ThrowsAsync<KeyStoreException>(() => store.GetAsync("b", default))).Error);
        var otherRoot = new FileSystemKeyStore(_dir, RandomNumberGenerator.GetBytes(32));
        Assert.Equal(KeyStoreError.Corrupt, (await Assert.ThrowsAsync<KeyStoreException>(() => otherRoot.GetAsync("a", default))).Error);
    }

    [Fact]
    public async Task A_leftover_temp_file_from_a_crash_is_not_a_key_and_does_not_block_the_name()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllBytesAsync(Path.Combine(_dir, ".tmp-k-0123456789abcdef"), "KSK1partial"u8.ToArray());
        var store = new FileSystemKeyStore(_dir, _root);
        Assert.Empty(await store.ListAsync("", default));
        Assert.Equal(KeyStoreError.NotFound, (await Assert.ThrowsAsync<KeyStoreException>(() => store.GetAsync("k", default))).Error);
        await store.CreateAsync("k", NewKey(), default);
        Assert.Equal(["k"], await store.ListAsync("", default));
    }

    [Fact]
    public async Task Delete_list_and_not_found()
    {
        var store = new FileSystemKeyStore(_dir, _root);
        await store.CreateAsync("b", NewKey(), default);
        await store.CreateAsync("a", NewKey(), default);
        await store.CreateAsync("c-1", NewKey(), default);
        Assert.Equal(["a", "b", "c-1"], await store.ListAsync("", default));
        Assert.Equal(["c-1"], await store.ListAsync("c", default));
        await store.DeleteAsync("b", default);
        Assert.Equal(KeyStoreError.NotFound, (await Assert.ThrowsAsync<KeyStoreException>(() => store.DeleteAsync("b", default))).Error);
        Assert.Equal(KeyStoreError.NotFound, (await Assert.ThrowsAsync<KeyStoreException>(() => store.GetAsync("b", default))).Error);
    }

    [Fact]
    public void Root_keys_parse_from_base64_hex_and_raw_files()
    {
        var raw = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(raw, RootKey.Parse(Convert.ToBase64String(raw) + "\n"));
        Assert.Equal(raw, RootKey.Parse(Convert.ToHexString(raw)));
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "root");
        File.WriteAllBytes(file, raw.Select(b => (byte)(b | 0x80)).ToArray());
        Assert.Equal(raw.Select(b => (byte)(b | 0x80)).ToArray(), RootKey.Load(null, file));
        Assert.Throws<ArgumentException>(() => RootKey.Parse("too short"));
    }
}
