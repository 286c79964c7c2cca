using System.Text.Json;
using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Json;

/// <summary>Small helpers for walking Kubernetes objects held as JSON nodes.</summary>
public static class JsonTree
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }
        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? GetString(JsonNode? node, params string[] path)
    {
        var n = Get(node, path);
        return n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : n?.ToJsonString();
    }

    public static JsonNode? Get(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(p, out node))
            {
                return null;
            }
        }
        return node;
    }

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(obj, "metadata", "labels") is JsonObject labels)
        {
            foreach (var (k, v) in labels)
            {
                result[k] = v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : v?.ToJsonString() ?? "";
            }
        }
        return result;
    }

    /// <summary>Renders a scalar the way Kubernetes prints it in selectors and tables.</summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    public static bool IsEmptyList(JsonNode? node) => node is null || node is JsonArray { Count: 0 };

    /// <summary>RFC 7386 merge of <paramref name="patch"/> into a clone of <paramref name="target"/>.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject po)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject to ? (JsonObject)to.DeepClone() : new JsonObject();
        foreach (var (k, v) in po)
        {
            if (v is null)
            {
                result.Remove(k);
            }
            else
            {
                result.TryGetPropertyValue(k, out var existing);
                var merged = MergePatch(existing, v);
                result[k] = merged;
            }
        }
        return result;
    }

    public static string UtcNowText() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A number however the node was created (parsed JSON, YAML, or a CLR long/double).</summary>
    public static double ToDouble(JsonNode node) =>
        double.Parse(node.ToJsonString().Trim('"'), System.Globalization.CultureInfo.InvariantCulture);

    public static long? ToLong(JsonNode? node) =>
        node is JsonValue && long.TryParse(node.ToJsonString().Trim('"'), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : null;

    public static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    public static bool IsFalse(JsonNode? node) => node?.GetValueKind() == JsonValueKind.False;
}
