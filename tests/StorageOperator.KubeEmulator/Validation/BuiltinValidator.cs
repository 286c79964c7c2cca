using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.KubeEmulator.Resources;

namespace StorageOperator.KubeEmulator.Validation;

/// <summary>
/// The API server's validation for the built-ins an operator writes, limited to the rules operators most often
/// trip over on a real cluster: StatefulSet spec immutability, selector/template label mismatch, container and
/// port naming, volume mounts without volumes, Service ports, PVC spec immutability, immutable Secrets and
/// ConfigMaps, and data key format.
/// </summary>
public static partial class BuiltinValidator
{
    /// <summary>Carries server-allocated values the client may omit on update (a Service's ClusterIP).</summary>
    public static void PrepareUpdate(ResourceDefinition def, JsonObject old, JsonObject obj)
    {
        if (def.Group.Length == 0 && def.Plural == "services" && obj["spec"] is JsonObject spec && old["spec"] is JsonObject oldSpec
            && spec["clusterIP"] is null && oldSpec["clusterIP"] is { } ip)
        {
            spec["clusterIP"] = ip.DeepClone();
            spec["clusterIPs"] = oldSpec["clusterIPs"]?.DeepClone();
        }
    }

    public static List<ValidationCause> Validate(ResourceDefinition def, JsonObject? old, JsonObject obj)
    {
        var causes = new List<ValidationCause>();
        switch (def.Group, def.Plural)
        {
            case ("", "secrets" or "configmaps"):
                DataKeys(obj, "data", causes);
                DataKeys(obj, "binaryData", causes);
                if (old is not null && JsonTree.IsTrue(old["immutable"]))
                {
                    if (!JsonTree.IsTrue(obj["immutable"]))
                    {
                        causes.Add(new("immutable", "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"));
                    }
                    if (!JsonNode.DeepEquals(old["data"], obj["data"]) || !JsonNode.DeepEquals(old["binaryData"], obj["binaryData"]))
                    {
                        causes.Add(new("data", "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"));
                    }
                }
                break;
            case ("", "services"):
                Service(old, obj, causes);
                break;
            case ("", "persistentvolumeclaims") when old is not null:
                PersistentVolumeClaim(old, obj, causes);
                break;
            case ("apps", "statefulsets"):
                Workload(obj, causes, claimTemplates: true);
                if (old is not null && !JsonNode.DeepEquals(StatefulSetFixed(old), StatefulSetFixed(obj)))
                {
                    causes.Add(new("spec", "FieldValueForbidden",
                        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
                }
                break;
            case ("apps", "deployments"):
                Workload(obj, causes, claimTemplates: false);
                if (old is not null && !JsonNode.DeepEquals(JsonTree.Get(old, "spec", "selector"), JsonTree.Get(obj, "spec", "selector")))
                {
                    causes.Add(new("spec.selector", "FieldValueInvalid", $"Invalid value: {JsonTree.Get(obj, "spec", "selector")?.ToJsonString()}: field is immutable"));
                }
                break;
            case ("policy", "poddisruptionbudgets"):
                if (JsonTree.Get(obj, "spec", "minAvailable") is not null && JsonTree.Get(obj, "spec", "maxUnavailable") is not null)
                {
                    causes.Add(new("spec", "FieldValueInvalid", "Invalid value: minAvailable and maxUnavailable cannot be both set"));
                }
                break;
        }
        return causes;
    }

    private static void DataKeys(JsonObject obj, string field, List<ValidationCause> causes)
    {
        foreach (var key in (obj[field] as JsonObject ?? []).Select(p => p.Key))
        {
            if (!ConfigKeyRegex().IsMatch(key) || key.Length > 253)
            {
                causes.Add(new($"{field}[{key}]", "FieldValueInvalid",
                    $"Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
            }
        }
    }

    private static void Service(JsonObject? old, JsonObject obj, List<ValidationCause> causes)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        var type = JsonTree.ScalarText(spec["type"]) ?? "ClusterIP";
        var headless = JsonTree.ScalarText(spec["clusterIP"]) == "None";
        var ports = (spec["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (ports.Count == 0 && type != "ExternalName" && !headless)
        {
            causes.Add(new("spec.ports", "FieldValueRequired", "Required value"));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var name = JsonTree.ScalarText(ports[i]["name"]);
            if (ports.Count > 1 && string.IsNullOrEmpty(name))
            {
                causes.Add(new($"spec.ports[{i}].name", "FieldValueRequired", "Required value"));
            }
            else if (!string.IsNullOrEmpty(name) && !names.Add(name))
            {
                causes.Add(new($"spec.ports[{i}].name", "FieldValueDuplicate", $"Duplicate value: \"{name}\""));
            }
            if (ports[i]["port"] is null)
            {
                causes.Add(new($"spec.ports[{i}].port", "FieldValueRequired", "Required value"));
            }
        }
        var oldIp = JsonTree.Get(old, "spec", "clusterIP");
        if (old is not null && oldIp is not null && !JsonNode.DeepEquals(oldIp, spec["clusterIP"]))
        {
            causes.Add(new("spec.clusterIPs[0]", "FieldValueInvalid", $"Invalid value: {spec["clusterIP"]?.ToJsonString() ?? "null"}: may not change once set"));
        }
    }

    private static void PersistentVolumeClaim(JsonObject old, JsonObject obj, List<ValidationCause> causes)
    {
        static JsonNode? Fixed(JsonObject o)
        {
            var spec = o["spec"]?.DeepClone() as JsonObject ?? [];
            (spec["resources"] as JsonObject)?.Remove("requests");
            spec.Remove("volumeAttributesClassName");
            return spec;
        }
        if (!JsonNode.DeepEquals(Fixed(old), Fixed(obj)))
        {
            causes.Add(new("spec", "FieldValueForbidden", "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
        }
    }

    private static JsonNode StatefulSetFixed(JsonObject o)
    {
        var spec = o["spec"]?.DeepClone() as JsonObject ?? [];
        foreach (var mutable in new[] { "replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds" })
        {
            spec.Remove(mutable);
        }
        return spec;
    }

    private static void Workload(JsonObject obj, List<ValidationCause> causes, bool claimTemplates)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["selector"] is not JsonObject selector)
        {
            causes.Add(new("spec.selector", "FieldValueRequired", "Required value"));
        }
        else
        {
            var labels = JsonTree.Get(spec, "template", "metadata", "labels") as JsonObject ?? [];
            var matchLabels = selector["matchLabels"] as JsonObject ?? [];
            var matchExpressions = selector["matchExpressions"] as JsonArray ?? [];
            if (matchLabels.Count == 0 && matchExpressions.Count == 0)
            {
                causes.Add(new("spec.selector", "FieldValueInvalid", "Invalid value: empty selector is invalid for deployment"));
            }
            else if (matchLabels.Any(m => JsonTree.ScalarText(labels[m.Key]) != JsonTree.ScalarText(m.Value)))
            {
                causes.Add(new("spec.template.metadata.labels", "FieldValueInvalid",
                    $"Invalid value: {labels.ToJsonString()}: `selector` does not match template `labels`"));
            }
        }
        var pod = JsonTree.Get(spec, "template", "spec") as JsonObject ?? [];
        var volumes = (pod["volumes"] as JsonArray ?? []).Select(v => JsonTree.GetString(v, "name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (claimTemplates)
        {
            volumes.UnionWith((spec["volumeClaimTemplates"] as JsonArray ?? []).Select(v => JsonTree.GetString(v, "metadata", "name")).OfType<string>());
        }
        var containers = pod["containers"] as JsonArray ?? [];
        if (containers.Count == 0)
        {
            causes.Add(new("spec.template.spec.containers", "FieldValueRequired", "Required value"));
        }
        var containerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in new[] { "initContainers", "containers" })
        {
            var items = (pod[list] as JsonArray ?? []).ToList();
            for (var i = 0; i < items.Count; i++)
            {
                var path = $"spec.template.spec.{list}[{i}]";
                var c = items[i] as JsonObject ?? [];
                var name = JsonTree.ScalarText(c["name"]);
                if (string.IsNullOrEmpty(name))
                {
                    causes.Add(new($"{path}.name", "FieldValueRequired", "Required value"));
                }
                else if (!DnsLabelRegex().IsMatch(name) || name.Length > 63)
                {
                    causes.Add(new($"{path}.name", "FieldValueInvalid", $"Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
                }
                else if (!containerNames.Add(name))
                {
                    causes.Add(new($"{path}.name", "FieldValueDuplicate", $"Duplicate value: \"{name}\""));
                }
                if (string.IsNullOrEmpty(JsonTree.ScalarText(c["image"])))
                {
                    causes.Add(new($"{path}.image", "FieldValueRequired", "Required value"));
                }
                var ports = (c["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                for (var p = 0; p < ports.Count; p++)
                {
                    var portName = JsonTree.ScalarText(ports[p]["name"]);
                    if (portName is not null && (portName.Length > 15 || !PortNameRegex().IsMatch(portName) || !portName.Any(char.IsAsciiLetter) || portName.Contains("--", StringComparison.Ordinal)))
                    {
                        causes.Add(new($"{path}.ports[{p}].name", "FieldValueInvalid",
                            $"Invalid value: \"{portName}\": {(portName.Length > 15 ? "must be no more than 15 characters" : "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")}"));
                    }
                    if (ports[p]["containerPort"] is null)
                    {
                        causes.Add(new($"{path}.ports[{p}].containerPort", "FieldValueRequired", "Required value"));
                    }
                }
                var mounts = (c["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                for (var m = 0; m < mounts.Count; m++)
                {
                    var volume = JsonTree.ScalarText(mounts[m]["name"]) ?? "";
                    if (!volumes.Contains(volume))
                    {
                        causes.Add(new($"{path}.volumeMounts[{m}].name", "FieldValueNotFound", $"Not found: \"{volume}\""));
                    }
                    if (string.IsNullOrEmpty(JsonTree.ScalarText(mounts[m]["mountPath"])))
                    {
                        causes.Add(new($"{path}.volumeMounts[{m}].mountPath", "FieldValueRequired", "Required value"));
                    }
                }
            }
        }
    }

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKeyRegex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelRegex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PortNameRegex();
}
