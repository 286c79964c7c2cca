using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class VersionRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Needs_no_policy()
    {
        var json = await (await _server.Other().Send("GET", "/version")).Json();
        Assert.False(string.IsNullOrEmpty(json.GetProperty("version").GetString()));
        Assert.True(json.TryGetProperty("commit", out _));
    }

    [Fact]
    public async Task Post_is_405_with_Accept_GET()
    {
        var response = await _server.Other().Send("POST", "/version");
        await response.AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        Assert.Equal("GET", string.Join(",", response.Headers.GetValues("Accept")));
    }
}
