using System.Text.Json;

namespace StorageOperator.KeyServer.Api;

/// <summary>Reads KES request bodies: a JSON object whose byte fields are standard base64 (Go encoding/json).</summary>
public sealed class JsonBody
{
    private readonly Dictionary<string, JsonElement> _fields;

    private JsonBody(Dictionary<string, JsonElement> fields) => _fields = fields;

    /// <summary>An empty body is an empty object: KES's generate takes no context that way.</summary>
    public static JsonBody Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            return new JsonBody([]);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrors.BadRequest("invalid request body: expected a JSON object");
            }

            // Go matches field names case-insensitively; so do we.
            var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.Clone();
            }

            return new JsonBody(fields);
        }
        catch (JsonException)
        {
            throw ApiErrors.BadRequest("invalid request body: malformed JSON");
        }
    }

    public byte[] Bytes(string field)
    {
        if (!_fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ApiErrors.BadRequest($"invalid request body: '{field}' must be a base64 string");
        }

        try
        {
            return Convert.FromBase64String(value.GetString()!);
        }
        catch (FormatException)
        {
            throw ApiErrors.BadRequest($"invalid request body: '{field}' is not base64");
        }
    }

    public string? String(string field)
    {
        if (!_fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw ApiErrors.BadRequest($"invalid request body: '{field}' must be a string");
    }
}
