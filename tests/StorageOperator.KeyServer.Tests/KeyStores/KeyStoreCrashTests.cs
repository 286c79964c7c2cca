using System.Collections.Concurrent;
using System.Net;
using StorageOperator.KeyServer.KeyStores;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.KeyStores;

public sealed class KeyStoreCrashTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "key-server-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_server_killed_with_SIGKILL_during_creates_leaves_only_whole_keys_and_every_acknowledged_key()
    {
        Directory.CreateDirectory(_dir);
        var rootKeyFile = Path.Combine(_dir, "root.key");
        await File.WriteAllTextAsync(rootKeyFile, RootKey.NewBase64());
        var configPath = Path.Combine(_dir, "config.yaml");
        await File.WriteAllTextAsync(configPath, ConfigYaml.Build(keystore: $"""
            keystore:
              fs:
                path: {_dir}/keys
                root_key_file: {rootKeyFile}
            """));

        using var child = await ChildKeyServer.StartAsync(configPath);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var client = TestServer.CreateClient(child.Address, TestPki.Instance.Admin);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"crash-{w}-{i}";
                try
                {
                    var response = await client.PostAsync($"/v1/key/create/{name}", null, stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(name);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    return; // the server is gone
                }
            }
        })).ToArray();

        // Kill while all four writers have requests in flight.
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 40), TimeSpan.FromSeconds(60)));
        child.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var store = new FileSystemKeyStore(Path.Combine(_dir, "keys"), RootKey.Load(null, rootKeyFile));
        var names = await store.ListAsync("", default);
        Assert.Subset(names.ToHashSet(), acknowledged.ToHashSet());
        foreach (var name in names)
        {
            var key = await store.GetAsync(name, default); // throws Corrupt for a partial file
            Assert.Equal(32, key.Material.Length);
        }

        var strays = Directory.GetFiles(Path.Combine(_dir, "keys")).Select(Path.GetFileName).Where(n => !names.Contains(n!));
        Assert.All(strays, n => Assert.StartsWith(".tmp-", n));

        // A restarted server serves the same keys.
        await using var restarted = await TestServer.StartAsync(await File.ReadAllTextAsync(configPath));
        var first = acknowledged.First();
        await (await restarted.Admin().PostJson("/v1/key/generate/" + first, new { })).AssertOk();
        await (await restarted.Admin().Send("POST", "/v1/key/create/" + first)).AssertError(HttpStatusCode.BadRequest, "key already exists");
    }
}
