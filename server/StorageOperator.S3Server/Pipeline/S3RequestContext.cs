using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Pipeline;

/// <summary>One authenticated, classified S3 request.</summary>
public sealed class S3RequestContext(HttpContext http, S3Route route, AuthenticatedRequest auth, string requestId)
{
    public HttpContext Http { get; } = http;

    public HttpRequest Request => Http.Request;

    public S3Route Route { get; } = route;

    public AuthenticatedRequest Auth { get; } = auth;

    public string RequestId { get; } = requestId;

    public CancellationToken Aborted => Http.RequestAborted;

    public string Bucket => Route.Bucket ?? throw new InvalidOperationException("bucket-level operation without a bucket");

    public string Key => Route.Key ?? throw new InvalidOperationException("object-level operation without a key");

    public string? Query(string name) => Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public string? Header(string name) => Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>The request body as the handler should read it: de-chunked and signature-verified by the authenticator.</summary>
    public Stream Body() => Auth.WrapBody(Request.Body);
}
