using System.Text.Json;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class AuditLogTests
{
    [Fact]
    public async Task Audit_file_has_one_json_line_per_request_and_never_key_material()
    {
        var dir = Path.Combine(Path.GetTempPath(), "key-server-audit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var auditFile = Path.Combine(dir, "audit.log");
        var configPath = Path.Combine(dir, "config.yaml");
        await File.WriteAllTextAsync(configPath, ConfigYaml.Build(extra: $"""
            log:
              error: off
              audit: on
              audit_file: {auditFile}
            """));
        string plaintext;
        await using (var host = await StorageOperator.KeyServer.Hosting.KeyServerHost.StartAsync(configPath, CancellationToken.None))
        {
            using var client = TestServer.CreateClient(host.Address, TestPki.Instance.App);
            await (await client.Send("POST", "/v1/key/create/app-audit")).AssertOk();
            var generated = await (await client.PostJson("/v1/key/generate/app-audit", new { context = Kes.B64("c") })).Json();
            plaintext = generated.GetProperty("plaintext").GetString()!;
            await client.Send("GET", "/v1/key/describe/app-nope");
        }

        var lines = await File.ReadAllLinesAsync(auditFile);
        Assert.Equal(3, lines.Length);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["/v1/key/create/app-audit", "/v1/key/generate/app-audit", "/v1/key/describe/app-nope"], events.Select(e => e.GetProperty("path").GetString()!).ToArray());
        Assert.Equal([200, 200, 404], events.Select(e => e.GetProperty("status").GetInt32()).ToArray());
        Assert.All(events, e =>
        {
            Assert.Equal(TestPki.IdentityOf(TestPki.Instance.App), e.GetProperty("identity").GetString());
            Assert.True(e.GetProperty("latency_ms").GetDouble() >= 0);
            Assert.True(e.TryGetProperty("time", out _));
        });
        Assert.DoesNotContain(plaintext, string.Join("\n", lines));
        Directory.Delete(dir, recursive: true);
    }
}
