using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyDescribeRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Describes_name_algorithm_and_creator()
    {
        await (await _server.App().Send("POST", "/v1/key/create/app-describe")).AssertOk();
        var json = await (await _server.App().Send("GET", "/v1/key/describe/app-describe")).Json();
        Assert.Equal("app-describe", json.GetProperty("name").GetString());
        Assert.Contains(json.GetProperty("algorithm").GetString(), new[] { "AES256", "ChaCha20" });
        Assert.Equal(TestPki.IdentityOf(TestPki.Instance.App), json.GetProperty("created_by").GetString());
        Assert.True(json.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task A_missing_key_is_404() =>
        await (await _server.App().Send("GET", "/v1/key/describe/app-missing")).AssertError(HttpStatusCode.NotFound, "key does not exist");

    [Fact]
    public async Task Errors_for_name_method_and_policy()
    {
        await (await _server.Admin().Send("GET", "/v1/key/describe/a-")).AssertError(HttpStatusCode.BadRequest, "key name 'a-' is empty, too long or contains invalid characters");
        await (await _server.App().Send("POST", "/v1/key/describe/app-x")).AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        await (await _server.Other().Send("GET", "/v1/key/describe/app-x")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }
}
