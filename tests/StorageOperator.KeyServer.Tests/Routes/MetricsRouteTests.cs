using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class MetricsRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Prometheus_text_counts_successes_and_errors()
    {
        await _server.App().Send("GET", "/v1/key/describe/app-missing-for-metrics");
        var response = await _server.App().Send("GET", "/v1/metrics");
        await response.AssertOk();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE kes_http_request_success counter", text);
        Assert.Contains("kes_http_response_time_bucket{le=\"+Inf\"}", text);
        var errors = text.Split('\n').Single(l => l.StartsWith("kes_http_request_error ", StringComparison.Ordinal));
        Assert.True(long.Parse(errors.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Errors_for_method_and_policy()
    {
        await (await _server.App().Send("DELETE", "/v1/metrics")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/metrics")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
