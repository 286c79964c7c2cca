using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class ReadyRouteTests
{
    private static string FsKeystore => """
        keystore:
          fs:
            path: $DIR/keys
            root_key: 0000000000000000000000000000000000000000000000000000000000000000
        """;

    [Fact]
    public async Task Ready_is_an_empty_200_then_502_when_the_keystore_directory_is_gone()
    {
        await using var server = await TestServer.StartAsync(ConfigYaml.Build(keystore: FsKeystore));
        var response = await server.App().Send("GET", "/v1/ready");
        await response.AssertOk();
        Assert.Equal("", await response.Content.ReadAsStringAsync());

        Directory.Delete(Path.Combine(server.Directory, "keys"), recursive: true);
        await (await server.App().Send("GET", "/v1/ready")).AssertError(HttpStatusCode.BadGateway, "key store is unavailable");
        var status = await (await server.App().Send("GET", "/v1/status")).Json();
        Assert.True(status.GetProperty("keystore_unreachable").GetBoolean());
    }

    [Fact]
    public async Task Errors_for_method_and_policy()
    {
        await using var server = await TestServer.StartAsync();
        await (await server.App().Send("POST", "/v1/ready")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await server.Other().Send("GET", "/v1/ready")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }

    [Fact]
    public async Task Skip_auth_lets_a_client_without_certificate_in_and_other_routes_then_say_certificate_required()
    {
        await using var server = await TestServer.StartAsync(ConfigYaml.Build(extra: """
            api:
              /v1/ready:
                skip_auth: true
            """));
        var anonymous = server.Client(null);
        await (await anonymous.Send("GET", "/v1/ready")).AssertOk();
        await (await anonymous.Send("GET", "/v1/key/list/*")).AssertError(HttpStatusCode.BadRequest, "tls: client certificate is required");
        await (await anonymous.Send("GET", "/v1/identity/self/describe")).AssertError(HttpStatusCode.BadRequest, "tls: client certificate is required");
        await (await server.Other().Send("GET", "/v1/ready")).AssertOk();
    }
}
