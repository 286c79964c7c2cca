using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Api;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Patching;

/// <summary>
/// An approximation of server-side apply: the applied configuration is merged into the live object, fields the
/// manager applied before but no longer applies are removed (unless another manager also owns them), and a
/// value change on a field another applier owns is a conflict unless <c>force</c>.
/// </summary>
public static class ServerSideApply
{
    /// <summary>Returns the merged object (managedFields updated); <paramref name="live"/> is not modified.</summary>
    public static JsonObject Merge(JsonObject live, JsonObject applied, string manager, bool force, string subresource, string apiVersion,
        Func<string, ApiException> conflict)
    {
        var entries = ManagedFields.Read(live);
        var newFields = ManagedFields.Leaves(applied);
        var others = entries.Where(e => !(e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource)).ToList();

        var conflicts = new List<string>();
        foreach (var other in others.Where(o => o.Subresource == subresource))
        {
            foreach (var path in other.Fields.Where(newFields.Contains))
            {
                if (ManagedFields.HasPath(live, path) && !JsonNode.DeepEquals(ManagedFields.GetPath(live, path), ManagedFields.GetPath(applied, path)))
                {
                    var using_ = other.Operation == "Update" ? $" using {other.ApiVersion}" : "";
                    conflicts.Add($"conflict with \"{other.Manager}\"{using_}: {ManagedFields.Display(path)}");
                }
            }
        }
        if (conflicts.Count > 0 && !force)
        {
            throw conflict($"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("\n", conflicts)}");
        }

        var result = (JsonObject)live.DeepClone();
        var previous = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource);
        if (previous is not null)
        {
            foreach (var path in previous.Fields.Where(p => !newFields.Contains(p)))
            {
                if (!others.Any(o => o.Fields.Contains(path)))
                {
                    ManagedFields.RemovePath(result, path);
                }
            }
        }
        DeepMerge(result, applied);

        if (force)
        {
            foreach (var o in others)
            {
                o.Fields.ExceptWith(newFields);
            }
        }
        var updated = others.Where(o => o.Fields.Count > 0).ToList();
        updated.Add(new FieldManagerEntry(manager, "Apply", subresource, apiVersion, JsonTree.UtcNowText(), newFields));
        JsonTree.Metadata(result)["managedFields"] = ManagedFields.Render(updated);
        return result;
    }

    /// <summary>The managedFields for an object created by apply.</summary>
    public static JsonArray InitialManagedFields(JsonObject applied, string manager, string subresource, string apiVersion) =>
        ManagedFields.Render([new FieldManagerEntry(manager, "Apply", subresource, apiVersion, JsonTree.UtcNowText(), ManagedFields.Leaves(applied))]);

    private static void DeepMerge(JsonObject target, JsonObject source)
    {
        foreach (var (k, v) in source)
        {
            if (v is JsonObject so && target[k] is JsonObject to)
            {
                DeepMerge(to, so);
            }
            else if (v is null)
            {
                target.Remove(k);
            }
            else
            {
                target[k] = v.DeepClone();
            }
        }
    }
}
