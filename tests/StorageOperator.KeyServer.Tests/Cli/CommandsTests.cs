using System.Security.Cryptography.X509Certificates;
using StorageOperator.KeyServer.Cli;
using StorageOperator.KeyServer.Identities;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Cli;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "key-server-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Commands.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Identity_of_prints_the_identity_of_pem_and_der_files()
    {
        Directory.CreateDirectory(_dir);
        var pem = Path.Combine(_dir, "c.pem");
        var der = Path.Combine(_dir, "c.der");
        await File.WriteAllTextAsync(pem, TestPki.Instance.App.ExportCertificatePem());
        await File.WriteAllBytesAsync(der, TestPki.Instance.App.RawData);
        var expected = Identity.Of(TestPki.Instance.App) + Environment.NewLine;
        Assert.Equal((0, expected, ""), await Run("identity", "of", pem));
        Assert.Equal((0, expected, ""), await Run("identity", "of", der));
    }

    [Fact]
    public async Task Certs_makes_a_working_pki_prints_identities_and_keeps_existing_files()
    {
        var (code, output, _) = await Run("certs", "--out", _dir, "--host", "127.0.0.1", "--client", "minio", "--client", "ops");
        Assert.Equal(0, code);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_dir, "ca.cert")));
        using var server = X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "server.cert"), Path.Combine(_dir, "server.key"));
        using var minio = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_dir, "client-minio.cert")));
        Assert.Contains($"client minio: {Identity.Of(minio)}", output);
        Assert.Contains("client ops: ", output);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(minio));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "client-minio.key")));

        var before = await File.ReadAllTextAsync(Path.Combine(_dir, "client-minio.cert"));
        var (again, secondOutput, _) = await Run("certs", "--out", _dir, "--host", "127.0.0.1", "--client", "minio");
        Assert.Equal(0, again);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(_dir, "client-minio.cert")));
        Assert.Contains($"client minio: {Identity.Of(minio)}", secondOutput);
    }

    [Fact]
    public async Task Root_key_writes_0600_once_and_never_overwrites()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "root.key");
        Assert.Equal(0, (await Run("root-key", "--out", path)).Code);
        var first = await File.ReadAllTextAsync(path);
        Assert.Equal(32, StorageOperator.KeyServer.KeyStores.RootKey.Parse(first).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(1, (await Run("root-key", "--out", path)).Code);
        Assert.Equal(first, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Usage_errors()
    {
        Assert.Equal(2, (await Run("server")).Code);
        Assert.Equal(2, (await Run("bogus")).Code);
        Assert.Equal(2, (await Run("certs", "--out", _dir)).Code);
        Assert.Equal(0, (await Run("help")).Code);
        var bad = await Run("identity", "of", Path.Combine(_dir, "missing.pem"));
        Assert.Equal(1, bad.Code);
    }

    [Fact]
    public async Task Server_with_an_invalid_config_exits_1_with_the_reasons()
    {
        Directory.CreateDirectory(_dir);
        var config = Path.Combine(_dir, "config.yaml");
        await File.WriteAllTextAsync(config, "bogus: 1\n");
        var (code, _, err) = await Run("server", "--config", config);
        Assert.Equal(1, code);
        Assert.Contains("unknown field 'bogus'", err);
    }
}
