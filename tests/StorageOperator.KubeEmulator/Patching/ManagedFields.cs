using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Patching;

/// <summary>
/// Conversion between metadata.managedFields (FieldsV1 trees) and sets of leaf paths. Lists are treated as
/// atomic leaves — an approximation of the real structured-merge-diff, which also tracks list items by key.
/// </summary>
public static class ManagedFields
{
    public const char Separator = '\u001f';

    private static readonly HashSet<string> IdentityPaths = new(StringComparer.Ordinal)
    {
        "apiVersion", "kind",
        Join("metadata", "name"), Join("metadata", "namespace"), Join("metadata", "resourceVersion"),
        Join("metadata", "uid"), Join("metadata", "generation"), Join("metadata", "creationTimestamp"),
        Join("metadata", "managedFields"), Join("metadata", "deletionTimestamp"), Join("metadata", "selfLink"),
    };

    public static string Join(params string[] parts) => string.Join(Separator, parts);

    public static string Display(string path) => "." + path.Replace(Separator, '.');

    public static List<FieldManagerEntry> Read(JsonObject obj)
    {
        var result = new List<FieldManagerEntry>();
        foreach (var e in (JsonTree.Get(obj, "metadata", "managedFields") as JsonArray ?? []).OfType<JsonObject>())
        {
            var fields = new HashSet<string>(StringComparer.Ordinal);
            if (e["fieldsV1"] is JsonObject tree)
            {
                Flatten(tree, [], fields);
            }
            result.Add(new FieldManagerEntry(
                JsonTree.GetString(e, "manager") ?? "",
                JsonTree.GetString(e, "operation") ?? "Update",
                JsonTree.GetString(e, "subresource") ?? "",
                JsonTree.GetString(e, "apiVersion") ?? "",
                JsonTree.GetString(e, "time") ?? JsonTree.UtcNowText(),
                fields));
        }
        return result;
    }

    public static JsonArray Render(IEnumerable<FieldManagerEntry> entries)
    {
        var array = new JsonArray();
        foreach (var e in entries)
        {
            var tree = new JsonObject();
            foreach (var path in e.Fields.Order(StringComparer.Ordinal))
            {
                var node = tree;
                foreach (var part in path.Split(Separator))
                {
                    var key = "f:" + part;
                    if (node[key] is not JsonObject child)
                    {
                        child = new JsonObject();
                        node[key] = child;
                    }
                    node = child;
                }
            }
            var entry = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = tree,
            };
            if (e.Subresource.Length > 0)
            {
                entry["subresource"] = e.Subresource;
            }
            array.Add(entry);
        }
        return array;
    }

    /// <summary>The leaf paths an applied configuration sets (objects recurse, lists and scalars are leaves).</summary>
    public static HashSet<string> Leaves(JsonObject applied)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        Walk(applied, [], result);
        result.ExceptWith(IdentityPaths);
        return result;
    }

    public static JsonNode? GetPath(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split(Separator))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }
        return node;
    }

    public static bool HasPath(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split(Separator))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return false;
            }
        }
        return true;
    }

    public static void RemovePath(JsonObject obj, string path)
    {
        var parts = path.Split(Separator);
        JsonNode? node = obj;
        foreach (var part in parts[..^1])
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return;
            }
        }
        (node as JsonObject)?.Remove(parts[^1]);
    }

    private static void Walk(JsonObject o, List<string> prefix, HashSet<string> result)
    {
        foreach (var (k, v) in o)
        {
            prefix.Add(k);
            if (v is JsonObject child && child.Count > 0)
            {
                Walk(child, prefix, result);
            }
            else
            {
                result.Add(string.Join(Separator, prefix));
            }
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private static void Flatten(JsonObject tree, List<string> prefix, HashSet<string> result)
    {
        var fieldChildren = tree.Where(p => p.Key.StartsWith("f:", StringComparison.Ordinal)).ToList();
        var hasItemKeys = tree.Any(p => p.Key.Length > 1 && p.Key[1] == ':' && !p.Key.StartsWith("f:", StringComparison.Ordinal));
        if (prefix.Count > 0 && (hasItemKeys || fieldChildren.Count == 0))
        {
            result.Add(string.Join(Separator, prefix));
            return;
        }
        foreach (var (k, v) in fieldChildren)
        {
            prefix.Add(k[2..]);
            Flatten(v as JsonObject ?? [], prefix, result);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }
}
