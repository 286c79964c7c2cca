using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Resources;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>
/// A minimal OpenAPI v3 surface: enough for kubectl to learn that every resource accepts the
/// <c>fieldValidation</c> query parameter (so it validates server-side rather than demanding full schemas).
/// PATCH operations deliberately declare no request body, so kubectl's client-side apply falls back to its
/// compiled-in strategic-merge metadata for built-ins and to JSON merge patch for custom resources.
/// </summary>
public static class OpenApiDocuments
{
    public static JsonObject Index(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All.Select(d => (d.Group, d.Version)).Distinct())
        {
            var key = gv.Group.Length == 0 ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(registry, gv.Group, gv.Version)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(ResourceRegistry registry, string group, string version)
    {
        var defs = registry.All.Where(d => d.Group == group && d.Version == version).ToList();
        if (defs.Count == 0)
        {
            return null;
        }
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var d in defs)
        {
            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var path = d.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{d.Plural}/{{name}}" : $"{prefix}/{d.Plural}/{{name}}";
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = d.Kind };
            JsonObject Operation(string id) => new()
            {
                ["operationId"] = id + d.Kind,
                ["parameters"] = new JsonArray(
                    new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                ["x-kubernetes-action"] = id,
                ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
            };
            paths[path] = new JsonObject
            {
                ["get"] = Operation("get"),
                ["put"] = Operation("put"),
                ["patch"] = Operation("patch"),
                ["delete"] = Operation("delete"),
            };
            var schemaName = $"{(group.Length == 0 ? "io.k8s.api.core" : group)}.{version}.{d.Kind}";
            var schema = d.Schema?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
            schemas[schemaName] = schema;
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string Hash(ResourceRegistry registry, string group, string version)
    {
        var text = string.Join(",", registry.All.Where(d => d.Group == group && d.Version == version)
            .Select(d => d.Kind + (d.Schema?.ToJsonString() ?? "")));
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }
}
