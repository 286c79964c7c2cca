using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class ApiRouteTests
{
    [Fact]
    public async Task Lists_every_route_with_body_limit_and_timeout_including_config_overrides()
    {
        await using var server = await TestServer.StartAsync(ConfigYaml.Build(extra: """
            api:
              /v1/status:
                timeout: 1m
            """));
        var json = await (await server.App().Send("GET", "/v1/api")).Json();
        var routes = json.EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!);
        Assert.Equal(22, routes.Count);
        Assert.Equal("PUT", routes["/v1/key/generate/"].GetProperty("method").GetString());
        Assert.Equal(1 << 20, routes["/v1/key/generate/"].GetProperty("max_body").GetInt64());
        Assert.Equal(0, routes["/v1/key/create/"].GetProperty("max_body").GetInt64());
        Assert.Equal(15, routes["/v1/key/create/"].GetProperty("timeout").GetInt64());
        Assert.Equal(10, routes["/version"].GetProperty("timeout").GetInt64());
        Assert.Equal(60, routes["/v1/status"].GetProperty("timeout").GetInt64());
        Assert.Equal(0, routes["/v1/log/audit"].GetProperty("timeout").GetInt64());
    }

    [Fact]
    public async Task Errors_for_method_policy_and_unknown_paths()
    {
        await using var server = await TestServer.StartAsync();
        await (await server.App().Send("POST", "/v1/api")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await server.Other().Send("GET", "/v1/api")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await server.Admin().Send("GET", "/v1/nothing")).AssertError(HttpStatusCode.NotFound, "not found");
    }
}
