using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Validation;

/// <summary>
/// Structural-schema handling for custom resources, in the order the API server applies it: prune unknown
/// fields, apply defaults, then validate — collecting every error rather than stopping at the first.
/// </summary>
public static class SchemaValidator
{
    private static readonly string[] RootKeep = ["apiVersion", "kind", "metadata"];

    /// <summary>Prunes and defaults <paramref name="obj"/> in place and returns all validation errors.</summary>
    public static IReadOnlyList<ValidationCause> PruneDefaultAndValidate(JsonObject obj, JsonObject? schema, List<string>? pruned = null)
    {
        var causes = new List<ValidationCause>();
        if (schema is null)
        {
            return causes;
        }
        var context = new Context(causes, pruned);
        ProcessObject(obj, schema, "", context, root: true);
        return causes;
    }

    private sealed record Context(List<ValidationCause> Causes, List<string>? Pruned)
    {
        public void Add(ValidationCause cause) => Causes.Add(cause);
    }

    private static void Process(JsonNode? node, JsonObject schema, string path, Context causes)
    {
        if (node is null)
        {
            if (!JsonTree.IsTrue(schema["nullable"]) && schema["type"] is not null)
            {
                causes.Add(new(path, "FieldValueTypeInvalid", $"Invalid value: \"null\": {path} in body must be of type {Type(schema)}: \"null\""));
            }
            return;
        }
        var type = Type(schema);
        var intOrString = JsonTree.IsTrue(schema["x-kubernetes-int-or-string"]);
        var kind = node.GetValueKind();
        if (intOrString)
        {
            if (kind != JsonValueKind.String && !IsInteger(node))
            {
                causes.Add(new(path, "FieldValueTypeInvalid", $"Invalid value: {Render(node)}: {path} in body must be of type integer,string: {Render(node)}"));
                return;
            }
        }
        else if (type.Length > 0 && !TypeMatches(node, type))
        {
            causes.Add(new(path, "FieldValueTypeInvalid", $"Invalid value: \"{KindName(kind)}\": {path} in body must be of type {type}: \"{KindName(kind)}\""));
            return;
        }

        switch (node)
        {
            case JsonObject o:
                ProcessObject(o, schema, path, causes, root: false);
                break;
            case JsonArray a:
                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        Process(a[i], items, $"{path}[{i}]", causes);
                    }
                }
                if (schema["minItems"] is { } minItems && a.Count < JsonTree.ToDouble(minItems))
                {
                    causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {a.Count}: {path} in body should have at least {minItems} items"));
                }
                if (schema["maxItems"] is { } maxItems && a.Count > JsonTree.ToDouble(maxItems))
                {
                    causes.Add(new(path, "FieldValueTooMany", $"Too many: {a.Count}: must have at most {maxItems} items"));
                }
                break;
            case JsonValue v when kind == JsonValueKind.String:
                ValidateString(v.GetValue<string>(), schema, path, causes);
                break;
            case JsonValue v when kind == JsonValueKind.Number:
                ValidateNumber(JsonTree.ToDouble(v), schema, path, causes);
                break;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            causes.Add(new(path, "FieldValueNotSupported",
                $"Unsupported value: {Render(node)}: supported values: {string.Join(", ", allowed.Select(Render))}"));
        }
        foreach (var sub in (schema["allOf"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Process(node.DeepClone(), sub, path, new Context(causes.Causes, null));
        }
        if (schema["anyOf"] is JsonArray anyOf && anyOf.Count > 0 &&
            !anyOf.OfType<JsonObject>().Any(s => Errors(node, s, path) == 0))
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {Render(node)}: {path} in body must match at least one schema (anyOf)"));
        }
        if (schema["oneOf"] is JsonArray oneOf && oneOf.Count > 0 &&
            oneOf.OfType<JsonObject>().Count(s => Errors(node, s, path) == 0) != 1)
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {Render(node)}: {path} in body must match exactly one schema in oneOf"));
        }
    }

    private static int Errors(JsonNode node, JsonObject schema, string path)
    {
        var context = new Context([], null);
        Process(node.DeepClone(), schema, path, context);
        return context.Causes.Count;
    }

    private static void ProcessObject(JsonObject o, JsonObject schema, string path, Context causes, bool root)
    {
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserve = JsonTree.IsTrue(schema["x-kubernetes-preserve-unknown-fields"]);
        var embedded = JsonTree.IsTrue(schema["x-kubernetes-embedded-resource"]);

        foreach (var key in o.Select(p => p.Key).ToList())
        {
            if (root && RootKeep.Contains(key))
            {
                continue;
            }
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (properties?[key] is JsonObject propSchema)
            {
                Process(o[key], propSchema, childPath, causes);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Process(o[key], additionalSchema, childPath, causes);
            }
            else if (preserve || additional?.GetValueKind() == JsonValueKind.True || (embedded && RootKeep.Contains(key)))
            {
                continue;
            }
            else
            {
                o.Remove(key);
                causes.Pruned?.Add(childPath);
            }
        }

        if (properties is not null)
        {
            foreach (var (key, propNode) in properties)
            {
                if (!o.ContainsKey(key) && propNode is JsonObject ps && ps["default"] is { } def)
                {
                    var value = def.DeepClone();
                    o[key] = value;
                    // defaults are themselves pruned and defaulted, and must validate
                    Process(value, ps, path.Length == 0 ? key : $"{path}.{key}", causes);
                }
            }
        }

        foreach (var req in (schema["required"] as JsonArray ?? []).Select(r => JsonTree.ScalarText(r)).OfType<string>())
        {
            if (!o.ContainsKey(req))
            {
                causes.Add(new(path.Length == 0 ? req : $"{path}.{req}", "FieldValueRequired", "Required value"));
            }
        }
        if (schema["minProperties"] is { } minP && o.Count < JsonTree.ToDouble(minP))
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {o.Count}: {path} in body should have at least {minP} properties"));
        }
        if (schema["maxProperties"] is { } maxP && o.Count > JsonTree.ToDouble(maxP))
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {o.Count}: {path} in body should have at most {maxP} properties"));
        }
    }

    private static void ValidateString(string s, JsonObject schema, string path, Context causes)
    {
        var length = s.EnumerateRunes().Count();
        if (schema["minLength"] is { } min && length < JsonTree.ToDouble(min))
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body should be at least {min} chars long"));
        }
        if (schema["maxLength"] is { } max && length > JsonTree.ToDouble(max))
        {
            causes.Add(new(path, "FieldValueTooLong", $"Too long: may not be more than {max} bytes"));
        }
        if (JsonTree.ScalarText(schema["pattern"]) is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body should match '{pattern}'"));
        }
        if (JsonTree.ScalarText(schema["format"]) is "date-time" && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body must be of type date-time: \"{s}\""));
        }
    }

    private static void ValidateNumber(double d, JsonObject schema, string path, Context causes)
    {
        var text = d.ToString(CultureInfo.InvariantCulture);
        if (schema["minimum"] is { } min)
        {
            var exclusive = JsonTree.IsTrue(schema["exclusiveMinimum"]);
            var bound = JsonTree.ToDouble(min);
            if (exclusive ? d <= bound : d < bound)
            {
                causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {text}: {path} in body should be greater than {(exclusive ? "" : "or equal to ")}{min.ToJsonString()}"));
            }
        }
        if (schema["maximum"] is { } max)
        {
            var exclusive = JsonTree.IsTrue(schema["exclusiveMaximum"]);
            var bound = JsonTree.ToDouble(max);
            if (exclusive ? d >= bound : d > bound)
            {
                causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {text}: {path} in body should be less than {(exclusive ? "" : "or equal to ")}{max.ToJsonString()}"));
            }
        }
        if (schema["multipleOf"] is { } mult && JsonTree.ToDouble(mult) is var m && m > 0 && Math.Abs(Math.IEEERemainder(d, m)) > 1e-9)
        {
            causes.Add(new(path, "FieldValueInvalid", $"Invalid value: {text}: {path} in body should be a multiple of {mult.ToJsonString()}"));
        }
    }

    private static string Type(JsonObject schema) => JsonTree.ScalarText(schema["type"]) ?? "";

    private static bool TypeMatches(JsonNode node, string type) => type switch
    {
        "object" => node is JsonObject,
        "array" => node is JsonArray,
        "string" => node.GetValueKind() == JsonValueKind.String,
        "boolean" => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "integer" => IsInteger(node),
        "number" => node.GetValueKind() == JsonValueKind.Number,
        _ => true,
    };

    private static bool IsInteger(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.Number && JsonTree.ToDouble(node) is var d && Math.Floor(d) == d && !double.IsInfinity(d);

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Render(JsonNode? node) => node?.ToJsonString() ?? "null";
}
