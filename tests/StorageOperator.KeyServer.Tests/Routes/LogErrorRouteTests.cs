using System.Net;
using System.Text.Json;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class LogErrorRouteTests
{
    [Fact]
    public async Task Streams_error_events_such_as_a_rejected_config_reload()
    {
        await using var server = await TestServer.StartAsync();
        using var response = await server.Admin().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/log/error"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await server.RewriteConfigAsync("address: [not: valid");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await reader.ReadLineAsync(cts.Token);
        var json = JsonDocument.Parse(line!).RootElement;
        Assert.Contains("config reload rejected", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Errors()
    {
        await using var server = await TestServer.StartAsync();
        await (await server.App().Send("GET", "/v1/log/error")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await server.Admin().Send("PUT", "/v1/log/error")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
    }
}
