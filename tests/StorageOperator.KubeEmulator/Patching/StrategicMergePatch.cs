using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Patching;

/// <summary>
/// Strategic merge patch for the built-in fields operators use: lists merge by their patchMergeKey
/// (containers/name, ports/containerPort, conditions/type, …); <c>$patch</c>, <c>$setElementOrder</c>,
/// <c>$retainKeys</c> and <c>$deleteFromPrimitiveList</c> directives are understood; anything else merges like
/// a JSON merge patch.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["conditions"] = "type",
        ["imagePullSecrets"] = "name",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["secrets"] = "name",
    };

    private static readonly HashSet<string> PrimitiveMergeLists = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject po)
        {
            return patch?.DeepClone();
        }
        if (JsonTree.ScalarText(po["$patch"]) == "replace")
        {
            var replaced = (JsonObject)po.DeepClone();
            replaced.Remove("$patch");
            return Strip(replaced);
        }
        var result = target is JsonObject to ? (JsonObject)to.DeepClone() : new JsonObject();
        if (po["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(JsonTree.ScalarText).ToHashSet();
            foreach (var k in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(k);
            }
        }
        foreach (var (key, value) in po)
        {
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }
                continue;
            }
            if (value is null)
            {
                result.Remove(key);
                continue;
            }
            if (value is JsonObject vo && JsonTree.ScalarText(vo["$patch"]) == "delete")
            {
                result.Remove(key);
                continue;
            }
            result.TryGetPropertyValue(key, out var existing);
            result[key] = value switch
            {
                JsonObject => Apply(existing, value),
                JsonArray va => MergeList(key, existing as JsonArray, va),
                _ => value.DeepClone(),
            };
        }
        return result;
    }

    private static JsonArray MergeList(string field, JsonArray? existing, JsonArray patch)
    {
        if (PrimitiveMergeLists.Contains(field) && existing is not null)
        {
            var merged = (JsonArray)existing.DeepClone();
            foreach (var item in patch.Where(p => !merged.Any(m => JsonNode.DeepEquals(m, p))))
            {
                merged.Add(item?.DeepClone());
            }
            return merged;
        }
        var key = MergeKeyFor(field, patch);
        if (key is null || existing is null || patch.Any(p => p is JsonObject po && JsonTree.ScalarText(po["$patch"]) == "replace"))
        {
            var replaced = new JsonArray();
            foreach (var item in patch.Where(p => !(p is JsonObject po && po["$patch"] is not null)))
            {
                replaced.Add(Strip(item?.DeepClone()));
            }
            return replaced;
        }
        var result = (JsonArray)existing.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject po)
            {
                continue;
            }
            var keyValue = po[key];
            var index = IndexOf(result, key, keyValue);
            if (JsonTree.ScalarText(po["$patch"]) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                result[index] = Apply(result[index], po);
            }
            else
            {
                result.Add(Strip(po.DeepClone()));
            }
        }
        return result;
    }

    private static string? MergeKeyFor(string field, JsonArray patch)
    {
        if (field == "ports")
        {
            return patch.OfType<JsonObject>().Any(p => p.ContainsKey("containerPort")) ? "containerPort" : "port";
        }
        return MergeKeys.GetValueOrDefault(field);
    }

    private static int IndexOf(JsonArray list, string key, JsonNode? value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[key], value))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Removes directive keys from content that is inserted rather than merged.</summary>
    private static JsonNode? Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var k in o.Select(p => p.Key).Where(k => k.StartsWith('$')).ToList())
                {
                    o.Remove(k);
                }
                foreach (var (_, v) in o.ToList())
                {
                    Strip(v);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Strip(item);
                }
                break;
        }
        return node;
    }
}
