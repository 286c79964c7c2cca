using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Resources;

/// <summary>Reads the served resources out of a CustomResourceDefinition object.</summary>
public static class CrdReader
{
    public static IReadOnlyList<ResourceDefinition> Read(JsonObject crd)
    {
        var name = JsonTree.GetString(crd, "metadata", "name") ?? "";
        var spec = crd["spec"] as JsonObject ?? [];
        var group = JsonTree.GetString(spec, "group") ?? "";
        var names = spec["names"] as JsonObject ?? [];
        var plural = JsonTree.GetString(names, "plural") ?? "";
        var kind = JsonTree.GetString(names, "kind") ?? "";
        var singular = JsonTree.GetString(names, "singular") ?? kind.ToLowerInvariant();
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var namespaced = (JsonTree.GetString(spec, "scope") ?? "Namespaced") == "Namespaced";
        var result = new List<ResourceDefinition>();
        foreach (var v in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (JsonTree.IsFalse(v["served"]))
            {
                continue;
            }
            var columns = new List<PrinterColumn>();
            foreach (var c in (v["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>())
            {
                columns.Add(new PrinterColumn(
                    JsonTree.GetString(c, "name") ?? "",
                    JsonTree.GetString(c, "type") ?? "string",
                    JsonTree.GetString(c, "jsonPath") ?? "",
                    JsonTree.GetString(c, "description") ?? "",
                    (int?)JsonTree.ToLong(c["priority"]) ?? 0,
                    JsonTree.GetString(c, "format") ?? ""));
            }
            if (columns.Count == 0)
            {
                columns.Add(new PrinterColumn("Age", "date", ".metadata.creationTimestamp"));
            }
            result.Add(new ResourceDefinition(
                group,
                JsonTree.GetString(v, "name") ?? "",
                plural,
                singular,
                kind,
                namespaced,
                shortNames,
                categories,
                JsonTree.Get(v, "subresources", "status") is not null,
                columns,
                JsonTree.Get(v, "schema", "openAPIV3Schema") as JsonObject,
                name));
        }
        return result;
    }

    /// <summary>Validation the real API applies to the CRD itself that matters for serving it.</summary>
    public static IEnumerable<(string Field, string Message)> Validate(JsonObject crd)
    {
        var name = JsonTree.GetString(crd, "metadata", "name") ?? "";
        var group = JsonTree.GetString(crd, "spec", "group") ?? "";
        var plural = JsonTree.GetString(crd, "spec", "names", "plural") ?? "";
        if (string.IsNullOrEmpty(group))
        {
            yield return ("spec.group", "Required value");
        }
        if (string.IsNullOrEmpty(plural))
        {
            yield return ("spec.names.plural", "Required value");
        }
        if (string.IsNullOrEmpty(JsonTree.GetString(crd, "spec", "names", "kind")))
        {
            yield return ("spec.names.kind", "Required value");
        }
        if (name != $"{plural}.{group}")
        {
            yield return ("metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        }
        if (JsonTree.Get(crd, "spec", "versions") is not JsonArray { Count: > 0 } versions)
        {
            yield return ("spec.versions", "Invalid value: null: must have exactly one version marked as storage version");
        }
        else if (versions.OfType<JsonObject>().Count(v => JsonTree.IsTrue(v["storage"])) != 1)
        {
            yield return ("spec.versions", "Invalid value: must have exactly one version marked as storage version");
        }
    }

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => JsonTree.ScalarText(n) ?? "").Where(s => s.Length > 0).ToList();
}
