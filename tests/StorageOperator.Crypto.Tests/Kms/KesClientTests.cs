using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Crypto.Kms;
using StorageOperator.Tls;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

public sealed class KesClientTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kes-client-").FullName;
    private readonly X509Certificate2 _ca = CertificateGenerator.CreateCertificateAuthority("test kes ca", TimeSpan.FromDays(1));
    private readonly List<FakeKesServer> _servers = [];
    private X509Certificate2 _serverCertificate = null!;

    private string CaDirectory => Path.Combine(_directory, "certs", "CAs");

    private string CertFile => Path.Combine(_directory, "client.crt");

    private string KeyFile => Path.Combine(_directory, "client.key");

    public Task InitializeAsync()
    {
        _serverCertificate = CertificateGenerator.CreateServerCertificate(_ca, ["127.0.0.1", "localhost"], TimeSpan.FromDays(1));
        Directory.CreateDirectory(CaDirectory);
        File.WriteAllText(Path.Combine(CaDirectory, "ca.crt"), PemFiles.ExportCertificate(_ca));
        WriteClientCertificate("client-a");
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Ensure_default_key_then_generate_and_decrypt()
    {
        var server = await StartServerAsync();
        using var client = NewClient([server.Endpoint]);

        await client.EnsureDefaultKeyAsync(CancellationToken.None);
        Assert.True(server.HasKey("default-key"));
        await client.EnsureDefaultKeyAsync(CancellationToken.None); // now only a GenerateKey

        var context = KmsContext.Marshal(KmsContext.ForObject("bucket", "object"));
        var key = await client.GenerateKeyAsync("", context, CancellationToken.None);
        Assert.Equal("default-key", key.KeyId);
        Assert.Equal(32, key.Plaintext.Length);
        Assert.Equal(76, key.Ciphertext.Length);
        Assert.Equal(key.Plaintext, await client.DecryptAsync("default-key", key.Ciphertext, context, CancellationToken.None));

        var wrong = await Assert.ThrowsAsync<KmsException>(() =>
            client.DecryptAsync("default-key", key.Ciphertext, KmsContext.Marshal(KmsContext.ForObject("bucket", "other")), CancellationToken.None));
        Assert.Equal(KmsErrorKind.DecryptionFailed, wrong.Kind);

        Assert.All(server.Requests, r => Assert.Equal(client.Identity, r.Identity));
        Assert.Equal(1, server.RequestCount("/v1/key/create/"));
    }

    [Fact]
    public async Task Kes_errors_map_to_kinds_and_are_not_retried()
    {
        var server = await StartServerAsync();
        server.AddKey("exists");
        using var client = NewClient([server.Endpoint]);

        Assert.Equal(KmsErrorKind.KeyExists, (await Assert.ThrowsAsync<KmsException>(() => client.CreateKeyAsync("exists", default))).Kind);
        var notFound = await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("missing", "{}"u8.ToArray(), default));
        Assert.Equal(KmsErrorKind.KeyNotFound, notFound.Kind);
        Assert.Equal("key does not exist", notFound.Message);
        Assert.Equal(1, server.RequestCount("/v1/key/generate/missing"));

        server.ScriptStatuses(400);
        Assert.Equal(KmsErrorKind.InvalidArgument, (await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("exists", default, default))).Kind);
        Assert.Equal(1, server.RequestCount("/v1/key/generate/exists"));

        server.DeniedIdentities[client.Identity] = true;
        Assert.Equal(KmsErrorKind.AccessDenied, (await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("exists", default, default))).Kind);

        var before = server.Requests.Count;
        Assert.Equal(KmsErrorKind.InvalidArgument, (await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("../v1/status", default, default))).Kind);
        Assert.Equal(before, server.Requests.Count);
    }

    [Theory]
    [InlineData(404, "key does not exist", KmsErrorKind.KeyNotFound)]
    [InlineData(400, "key already exists", KmsErrorKind.KeyExists)]
    [InlineData(400, "key does already exist", KmsErrorKind.KeyExists)]
    [InlineData(400, "decryption failed: ciphertext is not authentic", KmsErrorKind.DecryptionFailed)]
    [InlineData(403, "not authorized: insufficient permissions", KmsErrorKind.AccessDenied)]
    [InlineData(403, "prohibited by policy", KmsErrorKind.AccessDenied)]
    [InlineData(400, "key name 'a b' is empty, too long or contains invalid characters", KmsErrorKind.InvalidArgument)]
    [InlineData(502, "key store is unavailable", KmsErrorKind.Unavailable)]
    public void Error_mapping(int status, string message, KmsErrorKind kind)
    {
        var e = KesClient.MapError(status, message);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Fails_over_from_an_unreachable_endpoint_and_sticks_to_the_working_one()
    {
        var server = await StartServerAsync();
        server.AddKey("default-key");
        using var client = NewClient([ClosedEndpoint(), server.Endpoint]);

        await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);
        await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);

        Assert.Equal(2, server.RequestCount("/v1/key/generate/"));
        var status = await client.StatusAsync(default);
        Assert.Equal([false, true], status.Endpoints.Select(e => e.Online));
        Assert.Equal("fake-1.0", status.Endpoints[1].Version);
        Assert.True(status.IsOnline);
    }

    [Fact]
    public async Task Fails_over_on_5xx()
    {
        var first = await StartServerAsync();
        var second = await StartServerAsync();
        first.AddKey("default-key");
        second.AddKey("default-key");
        first.ScriptStatuses(503);
        using var client = NewClient([first.Endpoint, second.Endpoint]);

        await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);

        Assert.Equal(1, first.RequestCount("/v1/key/generate/"));
        Assert.Equal(1, second.RequestCount("/v1/key/generate/"));
    }

    [Fact]
    public async Task Retries_5xx_with_backoff_then_gives_up_as_unavailable()
    {
        var server = await StartServerAsync();
        server.AddKey("default-key");
        using var client = NewClient([server.Endpoint], maxAttempts: 3);

        server.ScriptStatuses(503, 502);
        await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);
        Assert.Equal(3, server.RequestCount("/v1/key/generate/"));

        server.ScriptStatuses(503, 503, 503);
        var e = await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("", "{}"u8.ToArray(), default));
        Assert.Equal(KmsErrorKind.Unavailable, e.Kind);
        Assert.Contains("key store is unavailable", e.Message);
        Assert.Equal(6, server.RequestCount("/v1/key/generate/"));
    }

    [Fact]
    public async Task Times_out_as_unavailable_but_caller_cancellation_is_cancellation()
    {
        var server = await StartServerAsync();
        server.AddKey("default-key");
        server.Delay = TimeSpan.FromSeconds(30);
        using var client = NewClient([server.Endpoint], maxAttempts: 1, requestTimeout: TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("", "{}"u8.ToArray(), default));
        Assert.Equal(KmsErrorKind.Unavailable, e.Kind);
        Assert.Contains("timed out", e.Message);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var patient = NewClient([server.Endpoint], maxAttempts: 1, requestTimeout: TimeSpan.FromSeconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.GenerateKeyAsync("", "{}"u8.ToArray(), cancel.Token));
        server.Delay = TimeSpan.Zero;
    }

    [Fact]
    public async Task Server_certificate_must_chain_to_the_configured_cas()
    {
        var server = await StartServerAsync();
        server.AddKey("default-key");

        var otherCaDirectory = Path.Combine(_directory, "other-cas");
        Directory.CreateDirectory(otherCaDirectory);
        using var otherCa = CertificateGenerator.CreateCertificateAuthority("someone else", TimeSpan.FromDays(1));
        File.WriteAllText(Path.Combine(otherCaDirectory, "ca.crt"), PemFiles.ExportCertificate(otherCa));

        foreach (var caPath in (string?[])[otherCaDirectory, null, Path.Combine(_directory, "missing")])
        {
            using var client = NewClient([server.Endpoint], maxAttempts: 1, caPath: caPath);
            var e = await Assert.ThrowsAsync<KmsException>(() => client.GenerateKeyAsync("", "{}"u8.ToArray(), default));
            Assert.Equal(KmsErrorKind.Unavailable, e.Kind);
        }

        Assert.Equal(0, server.RequestCount("/v1/key/"));

        // a CA file (not a directory) works too
        using var withFile = NewClient([server.Endpoint], caPath: Path.Combine(CaDirectory, "ca.crt"));
        await withFile.GenerateKeyAsync("", "{}"u8.ToArray(), default);
    }

    [Fact]
    public async Task Client_certificate_is_reloaded_when_the_files_change()
    {
        var server = await StartServerAsync();
        server.AddKey("default-key");
        using var client = NewClient([server.Endpoint], checkInterval: TimeSpan.Zero);
        var firstIdentity = client.Identity;
        await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);

        // A half-written pair (new certificate, old key) does not load: the client keeps the working one.
        using (var next = CertificateGenerator.CreateClientCertificate(_ca, "client-b", TimeSpan.FromDays(1)))
        {
            File.WriteAllText(CertFile, PemFiles.ExportCertificate(next));
            TouchClientFiles(1);
            await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);
            Assert.Equal(firstIdentity, server.Requests.Last().Identity);

            File.WriteAllText(KeyFile, PemFiles.ExportPrivateKey(next));
            TouchClientFiles(2);
        }

        await client.GenerateKeyAsync("", "{}"u8.ToArray(), default);
        var secondIdentity = server.Requests.Last().Identity;
        Assert.NotEqual(firstIdentity, secondIdentity);
        Assert.Equal(client.Identity, secondIdentity);
    }

    [Fact]
    public void A_missing_client_certificate_fails_at_construction()
    {
        File.Delete(KeyFile);
        Assert.ThrowsAny<IOException>(() => NewClient([new Uri("https://127.0.0.1:1")]));
    }

    private KesClient NewClient(
        IReadOnlyList<Uri> endpoints, int maxAttempts = 2, TimeSpan? requestTimeout = null, string? caPath = "<default>", TimeSpan? checkInterval = null) =>
        new(new KesClientOptions
        {
            Endpoints = endpoints,
            DefaultKeyName = "default-key",
            ClientCertificateFile = CertFile,
            ClientKeyFile = KeyFile,
            CaPath = caPath == "<default>" ? CaDirectory : caPath,
            MaxAttempts = maxAttempts,
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            CertificateCheckInterval = checkInterval ?? TimeSpan.FromMinutes(10),
        });

    private async Task<FakeKesServer> StartServerAsync()
    {
        var server = await FakeKesServer.StartAsync(_serverCertificate);
        _servers.Add(server);
        return server;
    }

    private void WriteClientCertificate(string name)
    {
        using var certificate = CertificateGenerator.CreateClientCertificate(_ca, name, TimeSpan.FromDays(1));
        PemFiles.WriteCertificateAndKey(certificate, CertFile, KeyFile);
    }

    // File systems with coarse timestamps could hide a rewrite within the same tick; make each change visible.
    private void TouchClientFiles(int minutes)
    {
        var stamp = DateTime.UtcNow.AddMinutes(minutes);
        File.SetLastWriteTimeUtc(CertFile, stamp);
        File.SetLastWriteTimeUtc(KeyFile, stamp);
    }

    private static Uri ClosedEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"https://127.0.0.1:{port}");
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _serverCertificate.Dispose();
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
