using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Api;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Patching;

/// <summary>RFC 6902 JSON Patch.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw ApiException.BadRequest("json patch must be an array of operations");
        }
        var root = new JsonObject { ["r"] = document.DeepClone() };
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op)
            {
                throw ApiException.BadRequest("json patch operation must be an object");
            }
            var name = JsonTree.ScalarText(op["op"]) ?? "";
            var path = JsonTree.ScalarText(op["path"]) ?? throw ApiException.BadRequest("json patch operation has no path");
            switch (name)
            {
                case "add":
                    Add(root, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    {
                        var from = JsonTree.ScalarText(op["from"]) ?? throw ApiException.BadRequest("move needs from");
                        var value = Remove(root, from);
                        Add(root, path, value);
                        break;
                    }
                case "copy":
                    {
                        var from = JsonTree.ScalarText(op["from"]) ?? throw ApiException.BadRequest("copy needs from");
                        Add(root, path, Resolve(root, from)?.DeepClone());
                        break;
                    }
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(root, path), op["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }
                    break;
                default:
                    throw ApiException.BadRequest($"unknown json patch operation \"{name}\"");
            }
        }
        return root["r"] ?? throw ApiException.BadRequest("json patch removed the whole document");
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return ["r"];
        }
        if (!pointer.StartsWith('/'))
        {
            throw ApiException.BadRequest($"invalid json pointer \"{pointer}\"");
        }
        return ["r", .. pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~"))];
    }

    private static (JsonNode Parent, string Last) Parent(JsonObject root, string pointer)
    {
        var tokens = Tokens(pointer);
        JsonNode current = root;
        foreach (var t in tokens[..^1])
        {
            current = Child(current, t) ?? throw Missing(pointer);
        }
        return (current, tokens[^1]);
    }

    private static JsonNode? Resolve(JsonObject root, string pointer)
    {
        JsonNode? current = root;
        foreach (var t in Tokens(pointer))
        {
            current = current is null ? null : Child(current, t);
            if (current is null)
            {
                throw Missing(pointer);
            }
        }
        return current;
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
        _ => null,
    };

    private static void Add(JsonObject root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Missing(pointer);
        }
    }

    private static JsonNode? Remove(JsonObject root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                var v = o[last];
                o.Remove(last);
                return v;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default:
                throw Missing(pointer);
        }
    }

    private static ApiException Missing(string pointer) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: json patch path \"{pointer}\" does not exist");
}
