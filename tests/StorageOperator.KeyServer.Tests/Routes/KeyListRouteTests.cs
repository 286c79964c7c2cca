using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyListRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    private async Task<string[]> ListAsync(string path)
    {
        var json = await (await _server.App().Send("GET", path)).Json();
        Assert.Equal("", json.GetProperty("continue_at").GetString());
        return [.. json.GetProperty("names").EnumerateArray().Select(e => e.GetString()!)];
    }

    [Fact]
    public async Task Lists_sorted_by_prefix_and_star_lists_all()
    {
        foreach (var name in new[] { "app-list-b", "app-list-a", "app-other" })
        {
            await (await _server.App().Send("POST", "/v1/key/create/" + name)).AssertOk();
        }

        Assert.Equal(["app-list-a", "app-list-b"], await ListAsync("/v1/key/list/app-list-"));
        var all = await ListAsync("/v1/key/list/*");
        Assert.Contains("app-other", all);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Empty(await ListAsync("/v1/key/list/zzz"));
    }

    [Fact]
    public async Task A_trailing_star_is_literal() => Assert.Empty(await ListAsync("/v1/key/list/app-list-*"));

    [Fact]
    public async Task Errors_for_method_and_policy()
    {
        await (await _server.App().Send("DELETE", "/v1/key/list/*")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/key/list/*")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
