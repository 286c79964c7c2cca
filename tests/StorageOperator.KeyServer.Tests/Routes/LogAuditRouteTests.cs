using System.Net;
using System.Text.Json;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class LogAuditRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Streams_audit_events_as_json_lines()
    {
        using var response = await _server.Admin().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/log/audit"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // Events from before the subscription are not replayed, so keep making the request until one is streamed.
        var traffic = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                await _server.App().Send("GET", "/v1/key/describe/app-audited");
                await Task.Delay(100);
            }
        });
        try
        {
            while (!Check(await reader.ReadLineAsync(cts.Token)))
            {
            }
        }
        finally
        {
            await cts.CancelAsync();
            await traffic.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static bool Check(string? line)
    {
        Assert.NotNull(line);
        var json = JsonDocument.Parse(line).RootElement;
        if (json.GetProperty("path").GetString() != "/v1/key/describe/app-audited")
        {
            return false;
        }

        Assert.Equal(404, json.GetProperty("status").GetInt32());
        Assert.Equal(TestPki.IdentityOf(TestPki.Instance.App), json.GetProperty("identity").GetString());
        return true;
    }

    [Fact]
    public async Task Errors()
    {
        await (await _server.App().Send("GET", "/v1/log/audit")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await _server.Admin().Send("POST", "/v1/log/audit")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
    }
}
