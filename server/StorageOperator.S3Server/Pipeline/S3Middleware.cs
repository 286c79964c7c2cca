using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Handlers;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Observability;
using StorageOperator.S3Server.Protocol;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Pipeline;

/// <summary>
/// The request pipeline, in order: (1) request ids, (2) unauthenticated health/metrics,
/// (3) header limits, (4) classify the operation, (5) authenticate, (6) run the handler,
/// (7) render the result or the S3 error, (8) record span, metrics and the log line.
/// </summary>
public sealed partial class S3Middleware(
    RequestDelegate next,
    S3ServerSettings settings,
    SigV4Authenticator authenticator,
    S3Dispatcher dispatcher,
    S3Telemetry telemetry,
    BackendReadiness readiness,
    ILogger<S3Middleware> logger)
{
    /// <summary>AWS limits the request header section to 8 KiB; we allow twice that before refusing with an S3 error.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    /// <summary>
    /// One line per request costs a formatted string and a console write even for a 4 KiB GET, so the access log
    /// is Debug unless <c>STORAGE_ACCESS_LOG=on</c> raises it to Information (errors and warnings keep their levels).
    /// </summary>
    private readonly LogLevel _accessLogLevel = AccessLog.Level(Environment.GetEnvironmentVariable(AccessLog.EnvironmentVariable));

    public async Task InvokeAsync(HttpContext http)
    {
        // (1)
        var requestId = RequestIds.NewRequestId();
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = RequestIds.NewHostId();
        http.Response.Headers.Server = "StorageOperator";

        // (2)
        var path = http.Request.Path.Value ?? "/";
        if (!IsSigned(http.Request))
        {
            if (path is "/minio/health/live" or "/minio/health/ready" && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
            {
                // liveness never depends on the backend: an outage must not restart every replica
                var ready = path == "/minio/health/live" || await readiness.CheckAsync(http.RequestAborted).ConfigureAwait(false) is null;
                http.Response.StatusCode = ready ? 200 : 503;
                if (!ready)
                {
                    http.Response.Headers.RetryAfter = StorageErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                http.Response.ContentLength = 0;
                return;
            }

            if (path == "/metrics" && settings.MetricsEnabled)
            {
                await next(http).ConfigureAwait(false);
                return;
            }
        }

        var started = Stopwatch.GetTimestamp();
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? path;
        var rawPath = rawTarget.Split('?', 2)[0];
        var operationName = "Unknown";
        var status = 500;
        long bytesIn = 0, bytesOut = 0;
        using var activity = S3Telemetry.ActivitySource.StartActivity(ActivityKind.Server, name: "S3");
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId });
        try
        {
            // (3)
            if (HeaderBytes(http.Request.Headers) > MaxHeaderBytes)
            {
                throw new S3Exception(S3ErrorCode.RequestHeaderSectionTooLarge);
            }

            // (4)
            var query = http.Request.Query.Keys.ToHashSet(StringComparer.Ordinal);
            var route = S3RequestParser.Parse(http.Request.Method.ToUpperInvariant(), rawPath, query, http.Request.Host.Host, settings.Domain,
                http.Request.Headers.ContainsKey("x-amz-copy-source"));
            operationName = route.Operation == S3Operation.NotImplemented && route.Detail is not null
                ? $"NotImplemented:{route.Detail}" : route.Operation.ToString();
            if (activity is not null)
            {
                activity.DisplayName = route.Operation.ToString();
                activity.SetTag("s3.operation", operationName);
                activity.SetTag("s3.bucket", route.Bucket);
                activity.SetTag("s3.request_id", requestId);
            }

            // (5) a form POST is signed in its body (the policy), not its headers: its handler authenticates it
            var postObject = route.Operation == S3Operation.PostObject;
            if (!postObject && !IsSigned(http.Request))
            {
                throw new S3Exception(S3ErrorCode.AccessDenied);
            }

            var auth = postObject
                ? PostObjectHandlers.PendingAuthentication
                : authenticator.Authenticate(http.Request, S3RequestParser.VirtualHostBucket(http.Request.Host.Host, settings.Domain));

            // (6)
            var context = new S3RequestContext(http, route, auth, requestId);
            var result = await dispatcher.DispatchAsync(context).ConfigureAwait(false);

            // (7)
            status = result.Status;
            bytesOut = await S3ResponseWriter.WriteAsync(http, result).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var error = Classify(e, http, requestId);
            status = error.HttpStatus;
            http.Response.Clear();
            http.Response.Headers["x-amz-request-id"] = requestId;
            http.Response.Headers["x-amz-id-2"] = RequestIds.NewHostId();
            activity?.SetStatus(status >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Unset);
            activity?.SetTag("s3.error", error.Info.Code);
            try
            {
                await S3ResponseWriter.WriteErrorAsync(http, error, requestId, ResourceOf(rawPath)).ConfigureAwait(false);
            }
            catch (Exception writeError) when (writeError is IOException or OperationCanceledException || http.RequestAborted.IsCancellationRequested)
            {
                // the client went away; nothing left to tell it
            }
        }
        catch (Exception e)
        {
            // The response is already streaming: the only honest signal left is to cut the connection.
            if (http.RequestAborted.IsCancellationRequested)
            {
                LogClientGone(logger, requestId, operationName);
            }
            else
            {
                LogStreamFailed(logger, e, requestId, operationName);
            }

            http.Abort();
        }
        finally
        {
            bytesIn = http.Request.ContentLength ?? 0;
            var elapsed = Stopwatch.GetElapsedTime(started);
            activity?.SetTag("http.response.status_code", status);
            telemetry.Record(operationName, status, bytesIn, bytesOut, elapsed);
            LogRequest(logger, _accessLogLevel, http.Request.Method, operationName, status, elapsed.TotalMilliseconds, requestId);
        }
    }

    private S3Exception Classify(Exception e, HttpContext http, string requestId)
    {
        switch (e)
        {
            case S3Exception s3:
                return s3;
            case StorageException se:
                return StorageErrors.ToS3(se);
            case Crypto.Dare.DareException:
                // encrypted data that does not authenticate (e.g. a copy source): never served, reported as tampering
                return Encryption.SseErrors.Tampered();
            case BadHttpRequestException bad:
                // Kestrel: body shorter than Content-Length, bad chunking, body too large ...
                return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? new S3Exception(S3ErrorCode.EntityTooLarge)
                    : new S3Exception(S3ErrorCode.IncompleteBody, "The request body was incomplete or malformed.");
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return new S3Exception(S3ErrorCode.IncompleteBody);
            case IOException when http.RequestAborted.IsCancellationRequested:
                return new S3Exception(S3ErrorCode.IncompleteBody);
            default:
                LogUnhandled(logger, e, requestId);
                return new S3Exception(S3ErrorCode.InternalError);
        }
    }

    private static string ResourceOf(string rawPath) => S3RequestParser.PercentDecode(rawPath);

    private static bool IsSigned(HttpRequest request) =>
        request.Headers.ContainsKey("Authorization") || request.Query.ContainsKey("X-Amz-Algorithm")
        || request.Query.ContainsKey("X-Amz-Signature") || request.Query.ContainsKey("Signature");

    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length + 4;
            foreach (var v in values)
            {
                total += v?.Length ?? 0;
            }
        }

        return total;
    }

    [LoggerMessage(Message = "{Method} {Operation} -> {Status} in {ElapsedMs:0.0} ms (request {RequestId})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string operation, int status, double elapsedMs, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, Exception e, string requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client of request {RequestId} ({Operation}) went away during the response")]
    private static partial void LogClientGone(ILogger logger, string requestId, string operation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} ({Operation}) failed after the response started; connection aborted")]
    private static partial void LogStreamFailed(ILogger logger, Exception e, string requestId, string operation);
}
