using System.Net;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

public sealed class KeyCreateRouteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Post_creates_the_key_and_a_second_create_says_it_exists()
    {
        var client = _server.App();
        await (await client.Send("POST", "/v1/key/create/app-create-1")).AssertOk();
        await (await client.Send("POST", "/v1/key/create/app-create-1")).AssertError(HttpStatusCode.BadRequest, "key already exists");
    }

    [Fact]
    public async Task Put_is_the_declared_method_and_works_too()
    {
        await (await _server.App().Send("PUT", "/v1/key/create/app-create-put")).AssertOk();
        await (await _server.Admin().Send("GET", "/v1/key/describe/app-create-put")).AssertOk();
    }

    [Fact]
    public async Task Get_is_405_with_an_Accept_header_naming_PUT()
    {
        var response = await _server.App().Send("GET", "/v1/key/create/app-create-get");
        await response.AssertError(HttpStatusCode.MethodNotAllowed, "method not allowed");
        Assert.Equal("PUT", string.Join(",", response.Headers.GetValues("Accept")));
    }

    [Theory]
    [InlineData("-app")]
    [InlineData("app-")]
    [InlineData("_")]
    [InlineData("app.key")]
    [InlineData("app%20key")]
    public async Task Invalid_names_are_400_with_the_KES_text(string name)
    {
        var response = await _server.Admin().Send("POST", "/v1/key/create/" + name);
        var decoded = Uri.UnescapeDataString(name);
        await response.AssertError(HttpStatusCode.BadRequest, $"key name '{decoded}' is empty, too long or contains invalid characters");
    }

    [Fact]
    public async Task A_name_longer_than_80_characters_is_invalid()
    {
        var name = new string('a', 81);
        await (await _server.Admin().Send("POST", "/v1/key/create/" + name))
            .AssertError(HttpStatusCode.BadRequest, $"key name '{name}' is empty, too long or contains invalid characters");
        await (await _server.Admin().Send("POST", "/v1/key/create/" + new string('a', 80))).AssertOk();
    }

    [Fact]
    public async Task An_empty_name_is_invalid() =>
        await (await _server.Admin().Send("POST", "/v1/key/create/"))
            .AssertError(HttpStatusCode.BadRequest, "key name '' is empty, too long or contains invalid characters");

    [Fact]
    public async Task Outside_the_policy_is_403()
    {
        await (await _server.App().Send("POST", "/v1/key/create/other-key")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        await (await _server.Other().Send("POST", "/v1/key/create/app-x")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }

    [Fact]
    public async Task A_denied_pattern_wins_over_an_allowed_one() =>
        await (await _server.App().Send("POST", "/v1/key/create/app-denied-1")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
}
