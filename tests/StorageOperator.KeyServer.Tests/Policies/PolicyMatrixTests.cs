using System.Net;
using StorageOperator.KeyServer.Policies;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Policies;

/// <summary>Who may call what, end to end: admin, a policy with allow and deny, an unassigned identity.</summary>
public sealed class PolicyMatrixTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    public static TheoryData<string, string, string, bool> Matrix => new()
    {
        // client, method, path, allowed
        { "app", "POST", "/v1/key/create/app-m1", true },
        { "app", "POST", "/v1/key/create/other-m1", false },
        { "app", "POST", "/v1/key/generate/app-denied-m", false }, // deny wins over allow
        { "app", "DELETE", "/v1/key/delete/app-protected", false },
        { "app", "GET", "/v1/key/list/anything", true },
        { "app", "GET", "/v1/status", true },
        { "app", "GET", "/v1/log/audit", false },
        { "app", "GET", "/v1/identity/list/*", true },
        { "other", "GET", "/v1/status", false },
        { "other", "POST", "/v1/key/create/app-m2", false },
        { "other", "GET", "/version", true },
        { "admin", "POST", "/v1/key/create/anything-m", true }, // the admin bypasses policy
        { "admin", "DELETE", "/v1/key/delete/app-protected", true },
        { "admin", "GET", "/v1/status", true },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Allow_and_deny(string client, string method, string path, bool allowed)
    {
        var http = client switch { "app" => _server.App(), "admin" => _server.Admin(), _ => _server.Other() };
        if (path == "/v1/key/delete/app-protected")
        {
            await _server.Admin().Send("POST", "/v1/key/create/app-protected");
        }

        var response = await http.Send(method, path);
        if (allowed)
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        }
        else
        {
            await response.AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
        }
    }

    [Fact]
    public void Deny_wins_and_no_allow_means_no()
    {
        var policy = new Policy("p", ["/v1/key/*"], ["/v1/key/delete/*"], DateTimeOffset.UnixEpoch, "");
        Assert.True(policy.Permits("/v1/key/create/a"));
        Assert.False(policy.Permits("/v1/key/delete/a"));
        Assert.False(policy.Permits("/v1/status"));
        Assert.False(new Policy("empty", [], [], DateTimeOffset.UnixEpoch, "").Permits("/v1/status"));
    }

    [Fact]
    public void Admin_off_by_default_and_for_non_identity_values()
    {
        var id = new string('a', 64);
        var off = new AccessControl("disabled", new Dictionary<string, Policy>(), [], DateTimeOffset.UnixEpoch);
        Assert.Null(off.AdminIdentity);
        Assert.False(off.IsAuthorized(id, "/v1/status"));
        var on = new AccessControl(id, new Dictionary<string, Policy>(), [], DateTimeOffset.UnixEpoch);
        Assert.True(on.IsAuthorized(id, "/v1/anything"));
        Assert.False(on.IsAuthorized(new string('b', 64), "/v1/anything"));
    }
}
