using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using StorageOperator.KeyServer.Hosting;
using StorageOperator.KeyServer.KeyStores;
using StorageOperator.KeyServer.Observability;

namespace StorageOperator.KeyServer.Api;

/// <summary>
/// The one place a request passes through: route lookup, method check, TLS identity, policy, body limit, timeout,
/// handler, error mapping, response writing, audit, metrics and tracing.
/// </summary>
public sealed class ApiDispatcher(KeyServerRuntime runtime, IReadOnlyList<Route> routes)
{
    // Base64 has '+' and '/': write them plainly, as Go does, rather than as \u002B.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public IReadOnlyList<Route> Routes => routes;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? "/";
        runtime.Metrics.RequestStarted();
        using var activity = KeyServerTelemetry.Source.StartActivity("kes " + context.Request.Method);
        string? identity = null;
        var status = 500;
        try
        {
            identity = IdentityOf(context);
            activity?.SetTag("kes.identity", identity);
            var result = await DispatchAsync(context, path, identity, activity);
            status = result.Status;
            await WriteAsync(context, result);
        }
        catch (ApiException e)
        {
            status = e.Status;
            await WriteErrorAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499; // the client hung up; nothing to write
        }
        catch (Exception e)
        {
            runtime.Logger.LogError(e, "request {Method} {Path} failed", context.Request.Method, path);
            status = 500;
            await WriteErrorAsync(context, new ApiException(500, "internal server error"));
        }
        finally
        {
            var latency = Stopwatch.GetElapsedTime(started);
            runtime.Metrics.RequestFinished(status, latency);
            activity?.SetTag("http.response.status_code", status);
            runtime.Audit.Write(new AuditEvent(
                runtime.Time.GetUtcNow(),
                identity ?? "",
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                context.Request.Method,
                path,
                status,
                Math.Round(latency.TotalMilliseconds, 3)));
        }
    }

    private async Task<ApiResult> DispatchAsync(HttpContext context, string path, string? identity, Activity? activity)
    {
        var match = RouteTable.Match(routes, path) ?? throw ApiErrors.NotFound();
        var (route, argument) = match;
        activity?.SetTag("kes.route", route.Path);
        if (!route.Accepts(context.Request.Method))
        {
            context.Response.Headers.Accept = route.Method;
            throw ApiErrors.MethodNotAllowed();
        }

        if (!context.Request.IsHttps)
        {
            throw ApiErrors.TlsRequired();
        }

        if (route.Auth != RouteAuth.None)
        {
            if (identity is null)
            {
                throw ApiErrors.ClientCertificateRequired();
            }

            if (route.Auth == RouteAuth.Policy && !runtime.Access.IsAuthorized(identity, path))
            {
                throw ApiErrors.NotAllowed();
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (route.Timeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        try
        {
            var body = await ReadBodyAsync(context.Request, route.MaxBody, timeout.Token);
            var request = new ApiRequest(context, runtime, route, routes, argument, identity, body,
                route.Timeout is null ? context.RequestAborted : timeout.Token);
            return await route.Handler(request);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw ApiErrors.Timeout();
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (e.g. its global body size) surface here while reading the body.
            throw e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiErrors.BodyTooLarge() : ApiErrors.BadRequest("invalid request");
        }
        catch (KeyStoreException e)
        {
            throw e.Error switch
            {
                KeyStoreError.NotFound => ApiErrors.KeyNotFound(),
                KeyStoreError.Exists => ApiErrors.KeyExists(),
                KeyStoreError.Corrupt => new ApiException(502, "failed to read key"),
                _ => LogAndWrap(e),
            };
        }
    }

    private ApiException LogAndWrap(KeyStoreException e)
    {
        runtime.Logger.LogError(e, "key store failure: {Message}", e.Message);
        return new ApiException(502, e.Message);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long maxBody, CancellationToken cancellationToken)
    {
        if (maxBody == 0)
        {
            return [];
        }

        if (request.ContentLength > maxBody)
        {
            throw ApiErrors.BodyTooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBody)
            {
                throw ApiErrors.BodyTooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The caller's identity, or null without a usable client certificate. As in KES, a CA certificate is not a
    /// client identity.
    /// </summary>
    private static string? IdentityOf(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return null;
        }

        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        return constraints is { CertificateAuthority: true } ? null : Identities.Identity.Of(certificate);
    }

    private static async Task WriteAsync(HttpContext context, ApiResult result)
    {
        var response = context.Response;
        response.StatusCode = result.Status;
        if (result.Stream is not null)
        {
            response.ContentType = result.ContentType;
            await result.Stream(response, context.RequestAborted);
            return;
        }

        if (result.Json is not null)
        {
            response.ContentType = "application/json";
            var bytes = JsonSerializer.SerializeToUtf8Bytes(result.Json, result.Json.GetType(), JsonOptions);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        if (result.Text is not null)
        {
            response.ContentType = result.ContentType ?? "text/plain; charset=utf-8";
            var bytes = System.Text.Encoding.UTF8.GetBytes(result.Text);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        response.ContentLength = 0;
    }

    private static async Task WriteErrorAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { message = error.Message }, JsonOptions);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
