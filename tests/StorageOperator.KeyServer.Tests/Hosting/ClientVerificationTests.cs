using StorageOperator.KeyServer.Tests.Infrastructure;
using StorageOperator.Tls;

namespace StorageOperator.KeyServer.Tests.Hosting;

public sealed class ClientVerificationTests
{
    [Fact]
    public async Task With_tls_auth_on_only_chains_to_the_configured_CA_are_accepted()
    {
        var pki = TestPki.Instance;
        var yaml = ConfigYaml.Build().Replace("tls:\n", $"tls:\n  auth: on\n  ca: {pki.CaPath}\n", StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync(yaml);
        await (await server.App().Send("GET", "/v1/status")).AssertOk();

        using var stranger = CertificateGenerator.CreateSelfSignedClientCertificate("stranger", TimeSpan.FromHours(1));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => server.Client(stranger).GetAsync("/version"));
    }

    [Fact]
    public async Task With_tls_auth_on_a_missing_ca_is_a_config_error()
    {
        var yaml = ConfigYaml.Build().Replace("tls:\n", "tls:\n  auth: on\n", StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageOperator.KeyServer.Configuration.ConfigException>(() => TestServer.StartAsync(yaml));
    }
}
