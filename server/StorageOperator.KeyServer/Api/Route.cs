namespace StorageOperator.KeyServer.Api;

public delegate Task<ApiResult> RouteHandler(ApiRequest request);

/// <summary>
/// One row of the API table (KES <c>internal/api/api.go</c> <c>Route</c>). A <see cref="Path"/> ending in '/' takes the
/// rest of the URL path as its argument. A PUT route also answers POST. <see cref="Timeout"/> null = streaming, no limit.
/// </summary>
public sealed record Route(string Method, string Path, long MaxBody, TimeSpan? Timeout, RouteAuth Auth, RouteHandler Handler)
{
    public bool TakesArgument => Path.EndsWith('/');

    public bool Accepts(string method) =>
        string.Equals(method, Method, StringComparison.OrdinalIgnoreCase)
        || (Method == "PUT" && string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase));
}
