using System.Net;
using StorageOperator.KeyServer.Cli;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Configuration;

/// <summary>The shipped local-run config (server/StorageOperator.KeyServer/run/key-server.yaml) works as documented.</summary>
public sealed class RunConfigTests
{
    private static string RunConfigPath([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../server/StorageOperator.KeyServer/run/key-server.yaml"));

    [Fact]
    public async Task Certs_root_key_and_the_run_config_give_a_server_the_storage_identity_can_use()
    {
        var dir = Path.Combine(Path.GetTempPath(), "key-server-run-" + Guid.NewGuid().ToString("N"));
        var certs = Path.Combine(dir, "certs");
        var output = new StringWriter();
        Assert.Equal(0, await Commands.RunAsync(["certs", "--out", certs, "--host", "127.0.0.1", "--client", "storage"], output, TextWriter.Null, default));
        Assert.Equal(0, await Commands.RunAsync(["root-key", "--out", Path.Combine(certs, "root.key")], TextWriter.Null, TextWriter.Null, default));
        var identity = output.ToString().Split('\n').Single(l => l.StartsWith("client storage: ", StringComparison.Ordinal)).Split(' ')[2];
        var env = new Dictionary<string, string>
        {
            ["KEY_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["KEY_SERVER_DIR"] = dir,
            ["KEY_SERVER_STORAGE_IDENTITY"] = identity,
            ["KEY_SERVER_DEFAULT_KEY"] = "storage-default",
        };

        await using (var host = await StorageOperator.KeyServer.Hosting.KeyServerHost.StartAsync(new StorageOperator.KeyServer.Hosting.KeyServerOptions
        {
            ConfigPath = RunConfigPath(),
            Environment = name => env.TryGetValue(name, out var v) ? v : null,
        }, CancellationToken.None))
        {
            using var clientCert = StorageOperator.Tls.PemFiles.LoadCertificateWithKey(Path.Combine(certs, "client-storage.cert"), Path.Combine(certs, "client-storage.key"));
            using var ca = StorageOperator.Tls.PemFiles.LoadCertificates(Path.Combine(certs, "ca.cert"))[0];
            using var storage = TestServer.CreateClient(host.Address, clientCert, ca);
            await (await storage.PostJson("/v1/key/generate/storage-default", new { context = Kes.B64("{}") })).AssertOk();
            await (await storage.Send("DELETE", "/v1/key/delete/storage-default")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        }

        Directory.Delete(dir, recursive: true);
    }
}
