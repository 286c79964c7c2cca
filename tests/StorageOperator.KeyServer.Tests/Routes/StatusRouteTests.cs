using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class StatusRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Reports_the_KES_status_fields()
    {
        var json = await (await _server.App().Send("GET", "/v1/status")).Json();
        foreach (var field in new[] { "version", "os", "arch", "uptime", "num_cpu", "num_cpu_used", "mem_heap_used", "mem_stack_used" })
        {
            Assert.True(json.TryGetProperty(field, out _), field);
        }

        Assert.Equal("linux", json.GetProperty("os").GetString());
        Assert.False(json.TryGetProperty("keystore_unreachable", out _));
    }

    [Fact]
    public async Task Errors_for_method_and_policy()
    {
        await (await _server.App().Send("PUT", "/v1/status")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/status")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
