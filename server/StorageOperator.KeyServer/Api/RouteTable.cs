using StorageOperator.KeyServer.Api.Handlers;
using StorageOperator.KeyServer.Configuration;

namespace StorageOperator.KeyServer.Api;

/// <summary>
/// The KES API (§3.2, KES <c>internal/api/api.go</c>) as data: method, path, body limit, timeout, auth, handler.
/// Config may relax auth or change the timeout of the four system routes (<c>api.&lt;path&gt;</c>).
/// </summary>
public static class RouteTable
{
    public const long MiB = 1 << 20;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<Route> Create(IReadOnlyDictionary<string, ApiRouteConfig>? overrides = null)
    {
        Route[] routes =
        [
            new("GET", "/version", 0, ShortTimeout, RouteAuth.None, SystemHandlers.VersionInfo),
            new("GET", "/v1/status", 0, DefaultTimeout, RouteAuth.Policy, SystemHandlers.Status),
            new("GET", "/v1/ready", 0, DefaultTimeout, RouteAuth.Policy, SystemHandlers.Ready),
            new("GET", "/v1/metrics", 0, DefaultTimeout, RouteAuth.Policy, SystemHandlers.Metrics),
            new("GET", "/v1/api", 0, ShortTimeout, RouteAuth.Policy, SystemHandlers.Api),

            new("PUT", "/v1/key/create/", 0, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Create),
            new("PUT", "/v1/key/import/", MiB, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Import),
            new("GET", "/v1/key/describe/", 0, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Describe),
            new("GET", "/v1/key/list/", 0, DefaultTimeout, RouteAuth.Policy, KeyHandlers.List),
            new("DELETE", "/v1/key/delete/", 0, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Delete),
            new("PUT", "/v1/key/generate/", MiB, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Generate),
            new("PUT", "/v1/key/encrypt/", MiB, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Encrypt),
            new("PUT", "/v1/key/decrypt/", MiB, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Decrypt),
            new("PUT", "/v1/key/hmac/", MiB, DefaultTimeout, RouteAuth.Policy, KeyHandlers.Hmac),

            new("GET", "/v1/policy/describe/", 0, DefaultTimeout, RouteAuth.Policy, PolicyHandlers.Describe),
            new("GET", "/v1/policy/read/", 0, DefaultTimeout, RouteAuth.Policy, PolicyHandlers.Read),
            new("GET", "/v1/policy/list/", 0, DefaultTimeout, RouteAuth.Policy, PolicyHandlers.List),

            new("GET", "/v1/identity/describe/", 0, DefaultTimeout, RouteAuth.Policy, IdentityHandlers.Describe),
            new("GET", "/v1/identity/self/describe", 0, DefaultTimeout, RouteAuth.IdentifyOnly, IdentityHandlers.SelfDescribe),
            new("GET", "/v1/identity/list/", 0, DefaultTimeout, RouteAuth.Policy, IdentityHandlers.List),

            new("GET", "/v1/log/error", 0, null, RouteAuth.Policy, LogHandlers.Error),
            new("GET", "/v1/log/audit", 0, null, RouteAuth.Policy, LogHandlers.Audit),
        ];

        if (overrides is null)
        {
            return routes;
        }

        return
        [
            .. routes.Select(route => overrides.TryGetValue(route.Path, out var o)
                ? route with
                {
                    Auth = o.SkipAuth ? RouteAuth.None : route.Auth,
                    Timeout = o.Timeout ?? route.Timeout,
                }
                : route),
        ];
    }

    /// <summary>Exact paths win; an argument route matches by prefix. Null when no route has this path.</summary>
    public static (Route Route, string Argument)? Match(IReadOnlyList<Route> routes, string path)
    {
        foreach (var route in routes)
        {
            if (!route.TakesArgument && route.Path == path)
            {
                return (route, "");
            }
        }

        foreach (var route in routes)
        {
            if (route.TakesArgument && path.StartsWith(route.Path, StringComparison.Ordinal))
            {
                return (route, path[route.Path.Length..]);
            }
        }

        return null;
    }
}
