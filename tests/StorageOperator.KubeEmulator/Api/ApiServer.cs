using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.KubeEmulator.Protobuf;
using StorageOperator.KubeEmulator.Resources;
using StorageOperator.KubeEmulator.Selectors;
using StorageOperator.KubeEmulator.Storage;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>The HTTP surface: authentication, discovery, OpenAPI and the resource verbs (including watch).</summary>
public sealed class ApiServer(ResourceOperations operations, ResourceRegistry registry, byte[] token, TimeSpan bookmarkInterval,
    Func<string> serverAddress, CancellationToken shutdown)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await DispatchAsync(ctx);
        }
        catch (ApiException e) when (!ctx.Response.HasStarted)
        {
            await WriteJsonAsync(ctx, e.Code, e.ToStatus());
        }
        catch (Exception e) when (e is FormatException or JsonException or YamlDotNet.Core.YamlException && !ctx.Response.HasStarted)
        {
            await WriteJsonAsync(ctx, 400, ApiException.BadRequest(e.Message).ToStatus());
        }
        catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
        {
            await WriteJsonAsync(ctx, 500, new ApiException(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}").ToStatus());
        }
    }

    private async Task DispatchAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path is "/healthz" or "/livez" or "/readyz")
        {
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("ok");
            return;
        }
        if (!Authorized(ctx.Request))
        {
            await WriteJsonAsync(ctx, 401, new ApiException(401, "Unauthorized", "Unauthorized").ToStatus());
            return;
        }
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var discovery = Discovery(segments);
        if (discovery is not null)
        {
            if (!HttpMethods.IsGet(ctx.Request.Method))
            {
                throw ApiException.MethodNotAllowed($"{ctx.Request.Method} is not allowed on {path}");
            }
            await WriteJsonAsync(ctx, 200, discovery);
            return;
        }
        var route = ApiRoute.Parse(segments, (g, v, r) => registry.Find(g, v, r)?.Namespaced == true)
            ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var def = registry.Find(route.Group, route.Version, route.Resource)
            ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        if (route.Namespace is not null && !def.Namespaced)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        await ServeResourceAsync(ctx, def, route);
    }

    private JsonObject? Discovery(string[] s)
    {
        return s switch
        {
            ["version"] => DiscoveryDocuments.Version(),
            ["api"] => DiscoveryDocuments.CoreVersions(serverAddress()),
            ["apis"] => DiscoveryDocuments.GroupList(registry),
            ["api", var v] => DiscoveryDocuments.ResourceList(registry, "", v) ?? throw NotFoundPath(),
            ["apis", var g] => DiscoveryDocuments.GroupDocument(registry, g) ?? throw NotFoundPath(),
            ["apis", var g, var v] => DiscoveryDocuments.ResourceList(registry, g, v) ?? throw NotFoundPath(),
            ["openapi", "v2"] => throw NotFoundPath(),
            ["openapi", "v3"] => OpenApiDocuments.Index(registry),
            ["openapi", "v3", "api", var v] => OpenApiDocuments.GroupVersion(registry, "", v) ?? throw NotFoundPath(),
            ["openapi", "v3", "apis", var g, var v] => OpenApiDocuments.GroupVersion(registry, g, v) ?? throw NotFoundPath(),
            _ => null,
        };
    }

    private async Task ServeResourceAsync(HttpContext ctx, ResourceDefinition def, ApiRoute route)
    {
        var q = ctx.Request.Query;
        var method = ctx.Request.Method;
        var ns = def.Namespaced ? route.Namespace : "";
        var dryRun = q["dryRun"].ToString() == "All";
        var wantsTable = ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);
        var includeObject = q["includeObject"].ToString() == "Object";
        ResourceOperations.StrictFieldValidation.Value = q["fieldValidation"].ToString() == "Strict";
        var updateManager = q["fieldManager"].FirstOrDefault() is { Length: > 0 } explicitManager ? explicitManager : DefaultManager(ctx.Request);

        if (route.Name is null)
        {
            var labels = LabelSelector.Parse(q["labelSelector"]);
            var fields = FieldSelector.Parse(q["fieldSelector"]);
            if (def.IsCustom && fields.Fields.FirstOrDefault(f => f is not ("metadata.name" or "metadata.namespace")) is { } unsupported)
            {
                // custom resources only support the metadata field selectors (selectableFields are not emulated)
                throw ApiException.BadRequest($"field label not supported: {unsupported}");
            }
            if (HttpMethods.IsGet(method))
            {
                if (q["watch"].ToString() is "true" or "1")
                {
                    await WatchAsync(ctx, def, ns is "" ? null : ns, labels, fields, wantsTable, includeObject);
                    return;
                }
                var limit = int.TryParse(q["limit"], out var l) ? l : (int?)null;
                var page = operations.List(def, ns is "" ? null : ns, labels, fields, limit, q["continue"]);
                if (wantsTable)
                {
                    await WriteJsonAsync(ctx, 200, TableConverter.Convert(def, page.Items, page.ResourceVersion, page.Continue, includeObject, DateTime.UtcNow));
                    return;
                }
                await WriteJsonAsync(ctx, 200, ListDocument(def, page));
                return;
            }
            if (HttpMethods.IsPost(method))
            {
                if (def.Namespaced && string.IsNullOrEmpty(ns))
                {
                    throw ApiException.MethodNotAllowed("create requires a namespace in the path");
                }
                var body = await ReadObjectAsync(ctx);
                var created = operations.Create(def, ns ?? "", body, dryRun, updateManager);
                await WriteJsonAsync(ctx, 201, created);
                return;
            }
            if (HttpMethods.IsDelete(method))
            {
                var deleted = operations.DeleteCollection(def, ns is "" ? null : ns, labels, fields, q["propagationPolicy"].FirstOrDefault(), dryRun);
                await WriteJsonAsync(ctx, 200, ListDocument(def, new ListResult(deleted, operations.Store.CurrentResourceVersion, null, null)));
                return;
            }
            throw ApiException.MethodNotAllowed($"{method} is not supported on a collection");
        }

        var name = route.Name;
        var sub = route.Subresource;
        if (sub is not ("" or "status"))
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        if (sub == "status" && !def.HasStatus)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        if (HttpMethods.IsGet(method))
        {
            var obj = operations.Get(def, ns ?? "", name);
            if (wantsTable)
            {
                await WriteJsonAsync(ctx, 200, TableConverter.Convert(def, [obj], operations.Store.CurrentResourceVersion, null, includeObject, DateTime.UtcNow));
                return;
            }
            await WriteJsonAsync(ctx, 200, obj);
            return;
        }
        if (HttpMethods.IsPut(method))
        {
            var body = await ReadObjectAsync(ctx);
            await WriteJsonAsync(ctx, 200, operations.Update(def, ns ?? "", name, body, sub, dryRun, updateManager));
            return;
        }
        if (HttpMethods.IsPatch(method))
        {
            var text = await ReadTextAsync(ctx);
            var force = q["force"].ToString() == "true";
            var existedBefore = ctx.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true
                && operations.Store.Get(def.StorageKey, ns ?? "", name) is null;
            var result = operations.Patch(def, ns ?? "", name, sub, ctx.Request.ContentType ?? "", text, q["fieldManager"].FirstOrDefault(), force, dryRun, updateManager);
            await WriteJsonAsync(ctx, existedBefore ? 201 : 200, result);
            return;
        }
        if (HttpMethods.IsDelete(method))
        {
            var text = await ReadTextAsync(ctx);
            var options = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
            await WriteJsonAsync(ctx, 200, operations.Delete(def, ns ?? "", name, options, q["propagationPolicy"].FirstOrDefault(), dryRun));
            return;
        }
        throw ApiException.MethodNotAllowed($"{method} is not supported");
    }

    private async Task WatchAsync(HttpContext ctx, ResourceDefinition def, string? ns, LabelSelector labels, FieldSelector fields, bool asTable, bool includeObject)
    {
        var q = ctx.Request.Query;
        var rvText = q["resourceVersion"].ToString();
        long? from = rvText.Length == 0 ? null : long.TryParse(rvText, out var rv) ? rv : throw ApiException.BadRequest($"invalid resourceVersion \"{rvText}\"");
        var sendInitial = q["sendInitialEvents"].ToString() == "true";
        var bookmarks = q["allowWatchBookmarks"].ToString() == "true";
        var timeout = int.TryParse(q["timeoutSeconds"], out var ts) && ts > 0 ? TimeSpan.FromSeconds(ts) : (TimeSpan?)null;

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        WatchSubscription subscription;
        List<WatchEvent> initial;
        long snapshot;
        try
        {
            (subscription, initial, snapshot) = operations.Store.Subscribe(def.StorageKey, ns, labels, fields, from, sendInitial);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            // the real API reports an expired resourceVersion inside the watch stream, not as an HTTP status
            await WriteLineAsync(ctx, new JsonObject { ["type"] = "ERROR", ["object"] = e.ToStatus() }, ctx.RequestAborted);
            return;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, shutdown);
        if (timeout is { } t)
        {
            cts.CancelAfter(t);
        }
        var ct = cts.Token;
        try
        {
            await ctx.Response.StartAsync(ct);
            await ctx.Response.Body.FlushAsync(ct);
            foreach (var e in initial)
            {
                await WriteEventAsync(ctx, def, e, asTable, includeObject, ct);
            }
            if (sendInitial && bookmarks)
            {
                await WriteBookmarkAsync(ctx, def, snapshot, initialEventsEnd: true, ct);
            }
            await ctx.Response.Body.FlushAsync(ct);
            var reader = subscription.Reader;
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (bookmarks)
                {
                    wait.CancelAfter(bookmarkInterval);
                }
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    long current;
                    lock (operations.Store.Sync)
                    {
                        current = operations.Store.CurrentResourceVersion;
                    }
                    while (reader.TryRead(out var pending))
                    {
                        await WriteEventAsync(ctx, def, pending, asTable, includeObject, ct);
                    }
                    await WriteBookmarkAsync(ctx, def, current, initialEventsEnd: false, ct);
                    continue;
                }
                if (!more)
                {
                    break;
                }
                while (reader.TryRead(out var e))
                {
                    await WriteEventAsync(ctx, def, e, asTable, includeObject, ct);
                }
                await ctx.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // client went away, timeoutSeconds elapsed, or the emulator is stopping: end the stream
        }
        catch (IOException)
        {
            // connection reset by the client
        }
        finally
        {
            operations.Store.Unsubscribe(subscription);
        }
    }

    private static Task WriteEventAsync(HttpContext ctx, ResourceDefinition def, WatchEvent e, bool asTable, bool includeObject, CancellationToken ct)
    {
        e.Object["apiVersion"] = def.ApiVersion;
        e.Object["kind"] = def.Kind;
        JsonObject payload = e.Object;
        if (asTable)
        {
            // kubectl get -w asks for Table; each event then carries a one-row table
            var rv = long.TryParse(JsonTree.GetString(e.Object, "metadata", "resourceVersion"), out var v) ? v : 0;
            payload = TableConverter.Convert(def, [e.Object], rv, null, includeObject, DateTime.UtcNow);
        }
        return WriteLineAsync(ctx, new JsonObject { ["type"] = e.Type, ["object"] = payload }, ct, flush: false);
    }

    private static async Task WriteBookmarkAsync(HttpContext ctx, ResourceDefinition def, long rv, bool initialEventsEnd, CancellationToken ct)
    {
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }
        var obj = new JsonObject { ["kind"] = def.Kind, ["apiVersion"] = def.ApiVersion, ["metadata"] = meta };
        await WriteLineAsync(ctx, new JsonObject { ["type"] = "BOOKMARK", ["object"] = obj }, ct);
    }

    private static async Task WriteLineAsync(HttpContext ctx, JsonObject line, CancellationToken ct, bool flush = true)
    {
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString()), ct);
        await ctx.Response.Body.WriteAsync(Newline, ct);
        if (flush)
        {
            await ctx.Response.Body.FlushAsync(ct);
        }
    }

    private static JsonObject ListDocument(ResourceDefinition def, ListResult page)
    {
        var items = new JsonArray();
        foreach (var i in page.Items)
        {
            items.Add(i);
        }
        var meta = new JsonObject { ["resourceVersion"] = page.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (page.Continue is not null)
        {
            meta["continue"] = page.Continue;
            meta["remainingItemCount"] = page.RemainingItemCount;
        }
        return new JsonObject { ["kind"] = def.ListKind, ["apiVersion"] = def.ApiVersion, ["metadata"] = meta, ["items"] = items };
    }

    /// <summary>The API server's default field manager: the user agent up to the first '/'.</summary>
    private static string DefaultManager(HttpRequest request)
    {
        var agent = request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/');
        var manager = slash > 0 ? agent[..slash] : agent;
        return manager.Length == 0 ? "unknown" : manager[..Math.Min(manager.Length, 128)];
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }
        var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, token);
    }

    private static async Task<string> ReadTextAsync(HttpContext ctx)
    {
        if (IsProtobuf(ctx.Request))
        {
            throw UnsupportedProtobuf();
        }
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ctx.RequestAborted);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        if (IsProtobuf(ctx.Request))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            var bytes = buffer.ToArray();
            return KubeProtobuf.IsEnvelope(bytes) && KubeProtobuf.Decode(bytes) is { } decoded ? decoded : throw UnsupportedProtobuf();
        }
        var text = await ReadTextAsync(ctx);
        var node = ctx.Request.ContentType?.Contains("yaml", StringComparison.OrdinalIgnoreCase) == true
            ? YamlJson.ParseOne(text)
            : JsonNode.Parse(text);
        return node as JsonObject ?? throw ApiException.BadRequest("the request body must be an object");
    }

    private static bool IsProtobuf(HttpRequest request) =>
        request.ContentType?.Contains("protobuf", StringComparison.OrdinalIgnoreCase) == true;

    private static ApiException UnsupportedProtobuf() => new(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - kube-emulator decodes protobuf only for Namespace, Secret, ConfigMap and ServiceAccount; send JSON or YAML (kubectl apply -f)");

    private static async Task WriteJsonAsync(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted);
    }

    private static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");
}
