using System.Globalization;
using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.KubeEmulator.Resources;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>meta.k8s.io/v1 Table output: Name plus the resource's printer columns, as the API server renders it.</summary>
public static class TableConverter
{
    public static JsonObject Convert(ResourceDefinition def, IReadOnlyList<JsonObject> items, long resourceVersion, string? continueToken, bool includeFullObject, DateTime now)
    {
        var columns = new JsonArray
        {
            new JsonObject
            {
                ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["priority"] = 0,
                ["description"] = "Name must be unique within a namespace.",
            },
        };
        foreach (var c in def.PrinterColumns)
        {
            columns.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type == "count" ? "string" : c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            });
        }
        var paths = def.PrinterColumns.Select(c => TryParse(c.JsonPath)).ToList();
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray { JsonTree.GetString(item, "metadata", "name") };
            for (var i = 0; i < def.PrinterColumns.Count; i++)
            {
                cells.Add(Cell(def.PrinterColumns[i], paths[i], item, now));
            }
            JsonObject rowObject = includeFullObject
                ? (JsonObject)item.DeepClone()
                : new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = item["metadata"]?.DeepClone(),
                };
            rows.Add(new JsonObject { ["cells"] = cells, ["object"] = rowObject });
        }
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (continueToken is not null)
        {
            metadata["continue"] = continueToken;
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    /// <summary>The short age format kubectl prints (k8s.io/apimachinery/pkg/util/duration.HumanDuration).</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1))
        {
            return "<invalid>";
        }
        if (d < TimeSpan.Zero)
        {
            return "0s";
        }
        var seconds = (long)d.TotalSeconds;
        var minutes = (long)d.TotalMinutes;
        var hours = (long)d.TotalHours;
        if (seconds < 120)
        {
            return $"{seconds}s";
        }
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }
        if (minutes < 180)
        {
            return $"{minutes}m";
        }
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }
        if (hours < 192)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }
        var days = hours / 24;
        return days < 365 * 2 ? $"{days}d" : days < 365 * 8 ? $"{days / 365}y{days % 365}d" : $"{days / 365}y";
    }

    private static JsonPathExpression? TryParse(string path)
    {
        try
        {
            return JsonPathExpression.Parse(path);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonNode? Cell(PrinterColumn column, JsonPathExpression? path, JsonObject item, DateTime now)
    {
        if (path is null)
        {
            return null;
        }
        var values = path.Evaluate(item);
        if (column.Type == "count")
        {
            return (values.FirstOrDefault() as JsonObject)?.Count ?? 0;
        }
        if (values.Count == 0)
        {
            return null;
        }
        if (column.Type == "date")
        {
            return DateTime.TryParse(JsonTree.ScalarText(values[0]), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
                ? HumanDuration(now - t)
                : "<invalid>";
        }
        if (values.Count == 1 && values[0] is JsonValue)
        {
            return values[0]!.DeepClone();
        }
        return string.Join(",", values.Select(v => JsonTree.ScalarText(v)));
    }
}
