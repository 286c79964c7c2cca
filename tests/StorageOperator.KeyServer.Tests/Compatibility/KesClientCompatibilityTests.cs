using System.Net;
using System.Net.Sockets;
using System.Text;
using StorageOperator.Crypto.Kms;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Compatibility;

/// <summary>The storage server's KES client (StorageOperator.Crypto) against this server over mutual TLS.</summary>
public sealed class KesClientCompatibilityTests
{
    private static readonly byte[] Context = Encoding.UTF8.GetBytes("{\"bucket\":\"photos\",\"object\":\"a.jpg\"}");

    private static KesClient ClientFor(Uri address, string clientName) => new(new KesClientOptions
    {
        Endpoints = [address],
        DefaultKeyName = "app-default",
        ClientCertificateFile = Path.Combine(TestPki.Instance.Directory, $"client-{clientName}.cert"),
        ClientKeyFile = Path.Combine(TestPki.Instance.Directory, $"client-{clientName}.key"),
        CaPath = TestPki.Instance.CaPath,
        MaxAttempts = 1,
        RequestTimeout = TimeSpan.FromSeconds(10),
    });

    [Fact]
    public async Task Create_generate_decrypt_status_and_every_mapped_error()
    {
        await using var server = await TestServer.StartAsync();
        using var client = ClientFor(server.Address, "app");
        Assert.Equal(TestPki.IdentityOf(TestPki.Instance.App), client.Identity);

        await client.CreateKeyAsync("app-e2e", default);
        Assert.Equal(KmsErrorKind.KeyExists, (await Assert.ThrowsAsync<KmsException>(() => client.CreateKeyAsync("app-e2e", default))).Kind);

        var dataKey = await client.GenerateKeyAsync("app-e2e", Context, default);
        Assert.Equal(32, dataKey.Plaintext.Length);
        Assert.Equal(76, dataKey.Ciphertext.Length);
        Assert.Equal(dataKey.Plaintext, await client.DecryptAsync("app-e2e", dataKey.Ciphertext, Context, default));

        Assert.Equal(KmsErrorKind.DecryptionFailed, (await Assert.ThrowsAsync<KmsException>(() =>
            client.DecryptAsync("app-e2e", dataKey.Ciphertext, "{}"u8.ToArray(), default))).Kind);
        Assert.Equal(KmsErrorKind.KeyNotFound, (await Assert.ThrowsAsync<KmsException>(() =>
            client.GenerateKeyAsync("app-missing", Context, default))).Kind);

        var status = await client.StatusAsync(default);
        var endpoint = Assert.Single(status.Endpoints);
        Assert.True(endpoint.Online, endpoint.Error);
        Assert.False(string.IsNullOrEmpty(endpoint.Version));
    }

    [Fact]
    public async Task A_wrong_identity_is_access_denied_with_the_KES_text()
    {
        await using var server = await TestServer.StartAsync();
        using var client = ClientFor(server.Address, "other");
        var e = await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("app-e2e", Context, default));
        Assert.Equal(KmsErrorKind.AccessDenied, e.Kind);
        Assert.Equal("not authorized: insufficient permissions", e.Message);
    }

    [Fact]
    public async Task Data_keys_survive_a_key_server_restart_with_the_filesystem_keystore()
    {
        var port = FreePort();
        var yaml = ConfigYaml.Build(keystore: """
            keystore:
              fs:
                path: $DIR/keys
                root_key: ${TEST_ROOT_KEY}
            """).Replace("127.0.0.1:0", $"127.0.0.1:{port}", StringComparison.Ordinal);
        var rootKey = StorageOperator.KeyServer.KeyStores.RootKey.NewBase64();
        string? Env(string name) => name == "TEST_ROOT_KEY" ? rootKey : Environment.GetEnvironmentVariable(name);

        var first = await TestServer.StartAsync(yaml, Env);
        using var client = ClientFor(first.Address, "app");
        await client.CreateKeyAsync("app-restart", default);
        var dataKey = await client.GenerateKeyAsync("app-restart", Context, default);
        var keysDir = Path.Combine(first.Directory, "keys");
        var savedConfig = await File.ReadAllTextAsync(first.ConfigPath);
        var stash = Path.Combine(Path.GetTempPath(), "key-server-restart-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(keysDir, stash);
        await first.DisposeAsync();

        Assert.Equal(KmsErrorKind.Unavailable, (await Assert.ThrowsAsync<KmsException>(() =>
            client.DecryptAsync("app-restart", dataKey.Ciphertext, Context, default))).Kind);

        // Same port, same keys directory contents, a new process-level server.
        await using var second = await TestServer.StartAsync(savedConfig.Replace(keysDir, stash, StringComparison.Ordinal), Env);
        Assert.Equal(dataKey.Plaintext, await client.DecryptAsync("app-restart", dataKey.Ciphertext, Context, default));
        Directory.Delete(stash, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
