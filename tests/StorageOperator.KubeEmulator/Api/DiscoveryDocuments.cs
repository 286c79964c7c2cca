using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Resources;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>The legacy (non-aggregated) discovery documents.</summary>
public static class DiscoveryDocuments
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-kube-emulator",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry registry)
    {
        var groups = new JsonArray();
        foreach (var (group, versions) in registry.Groups())
        {
            groups.Add(Group(group, versions));
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? GroupDocument(ResourceRegistry registry, string group)
    {
        var found = registry.Groups().FirstOrDefault(g => g.Group == group);
        if (found.Group is null)
        {
            return null;
        }
        var doc = Group(group, found.Versions);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    public static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var defs = registry.All.Where(d => d.Group == group && d.Version == version).ToList();
        if (defs.Count == 0)
        {
            return null;
        }
        var resources = new JsonArray();
        foreach (var d in defs)
        {
            var r = new JsonObject
            {
                ["name"] = d.Plural,
                ["singularName"] = d.Singular,
                ["namespaced"] = d.Namespaced,
                ["kind"] = d.Kind,
                ["verbs"] = new JsonArray([.. ResourceDefinition.AllVerbs.Select(v => (JsonNode)v)]),
            };
            if (d.ShortNames.Count > 0)
            {
                r["shortNames"] = new JsonArray([.. d.ShortNames.Select(s => (JsonNode)s)]);
            }
            if (d.Categories.Count > 0)
            {
                r["categories"] = new JsonArray([.. d.Categories.Select(s => (JsonNode)s)]);
            }
            resources.Add(r);
            if (d.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = d.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = d.Namespaced,
                    ["kind"] = d.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Group(string group, IReadOnlyList<string> versions)
    {
        var list = new JsonArray();
        foreach (var v in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v });
        }
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }
}
