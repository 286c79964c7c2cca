using System.Net;
using Microsoft.Extensions.Logging;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Configuration;

public sealed class ConfigReloadTests
{
    private static string Other => TestPki.IdentityOf(TestPki.Instance.Other);

    private static string App => TestPki.IdentityOf(TestPki.Instance.App);

    [Fact]
    public async Task An_identity_added_to_a_policy_is_allowed_without_a_restart_and_a_bad_file_keeps_the_old_config()
    {
        await using var server = await TestServer.StartAsync();
        var other = server.Other();
        await (await other.Send("GET", "/v1/status")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");

        await server.RewriteConfigAsync(ConfigYaml.Build(ConfigYaml.AppPolicy(App, Other)));
        Assert.True(await Eventually.TrueAsync(async () => (await other.Send("GET", "/v1/status")).StatusCode == HttpStatusCode.OK));

        await server.RewriteConfigAsync("policy:\n  app:\n    identities: [nonsense]\n");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(
            server.Logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("config reload rejected", StringComparison.Ordinal)))));
        await (await other.Send("GET", "/v1/status")).AssertOk();

        await server.RewriteConfigAsync(ConfigYaml.Build(ConfigYaml.AppPolicy(App)));
        Assert.True(await Eventually.TrueAsync(async () => (await other.Send("GET", "/v1/status")).StatusCode == HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task The_admin_can_be_turned_off_by_a_reload()
    {
        await using var server = await TestServer.StartAsync();
        var admin = server.Admin();
        await (await admin.Send("POST", "/v1/key/create/admin-made")).AssertOk();
        await server.RewriteConfigAsync(ConfigYaml.Build(admin: "disabled"));
        Assert.True(await Eventually.TrueAsync(async () => (await admin.Send("POST", "/v1/key/create/admin-made-2")).StatusCode == HttpStatusCode.Forbidden));
    }
}
