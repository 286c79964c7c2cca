using StorageOperator.KeyServer.Hosting;

namespace StorageOperator.KeyServer.Api;

/// <summary>A request after routing, authentication and body reading.</summary>
public sealed record ApiRequest(
    HttpContext Http,
    KeyServerRuntime Runtime,
    Route Route,
    IReadOnlyList<Route> AllRoutes,
    string Argument,
    string? Identity,
    byte[] Body,
    CancellationToken CancellationToken);
