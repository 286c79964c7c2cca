using System.Text;
using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Api;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Resources;

/// <summary>
/// The defaulting and normalisation the real API server applies to the built-ins we serve, so that a reader sees
/// what it would see on a cluster (Secret <c>stringData</c> folded into <c>data</c>, a Service's ClusterIP,
/// workload defaults). Desired-vs-actual comparisons in an operator then meet the same defaults as in production.
/// </summary>
public static class BuiltinDefaults
{
    private static int _nextClusterIp;

    public static void Apply(ResourceDefinition def, JsonObject obj)
    {
        switch (def.Group, def.Plural)
        {
            case ("", "secrets"):
                Secret(obj);
                break;
            case ("", "services"):
                Service(obj);
                break;
            case ("", "persistentvolumeclaims"):
                Spec(obj).TryAdd("volumeMode", "Filesystem");
                break;
            case ("apps", "statefulsets"):
                {
                    var spec = Spec(obj);
                    spec.TryAdd("replicas", 1);
                    spec.TryAdd("podManagementPolicy", "OrderedReady");
                    spec.TryAdd("revisionHistoryLimit", 10);
                    spec.TryAdd("updateStrategy", new JsonObject
                    {
                        ["type"] = "RollingUpdate",
                        ["rollingUpdate"] = new JsonObject { ["partition"] = 0 },
                    });
                    spec.TryAdd("persistentVolumeClaimRetentionPolicy", new JsonObject { ["whenDeleted"] = "Retain", ["whenScaled"] = "Retain" });
                    PodTemplate(spec);
                    break;
                }
            case ("apps", "deployments"):
                {
                    var spec = Spec(obj);
                    spec.TryAdd("replicas", 1);
                    spec.TryAdd("revisionHistoryLimit", 10);
                    spec.TryAdd("progressDeadlineSeconds", 600);
                    spec.TryAdd("strategy", new JsonObject
                    {
                        ["type"] = "RollingUpdate",
                        ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" },
                    });
                    PodTemplate(spec);
                    break;
                }
        }
    }

    private static void Secret(JsonObject obj)
    {
        if (string.IsNullOrEmpty(JsonTree.ScalarText(obj["type"])))
        {
            obj["type"] = "Opaque";
        }
        if (obj["stringData"] is JsonObject stringData)
        {
            if (obj["data"] is not JsonObject data)
            {
                data = new JsonObject();
                obj["data"] = data;
            }
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonTree.ScalarText(value) ?? ""));
            }
            obj.Remove("stringData");
        }
        foreach (var (key, value) in (obj["data"] as JsonObject ?? []).ToList())
        {
            try
            {
                Convert.FromBase64String(JsonTree.ScalarText(value) ?? "");
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data in data[{key}]");
            }
        }
    }

    private static void Service(JsonObject obj)
    {
        var spec = Spec(obj);
        spec.TryAdd("type", "ClusterIP");
        spec.TryAdd("sessionAffinity", "None");
        if (JsonTree.ScalarText(spec["type"]) != "ExternalName" && spec["clusterIP"] is null)
        {
            var n = Interlocked.Increment(ref _nextClusterIp);
            var ip = $"10.96.{(n >> 8) & 0xff}.{n & 0xff}";
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
        }
        spec.TryAdd("ipFamilies", new JsonArray("IPv4"));
        spec.TryAdd("ipFamilyPolicy", "SingleStack");
        spec.TryAdd("internalTrafficPolicy", "Cluster");
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port.TryAdd("protocol", "TCP");
            if (port["port"] is { } p)
            {
                port.TryAdd("targetPort", p.DeepClone());
            }
        }
    }

    private static void PodTemplate(JsonObject workloadSpec)
    {
        if (JsonTree.Get(workloadSpec, "template", "spec") is not JsonObject pod)
        {
            return;
        }
        pod.TryAdd("restartPolicy", "Always");
        pod.TryAdd("terminationGracePeriodSeconds", 30);
        pod.TryAdd("dnsPolicy", "ClusterFirst");
        pod.TryAdd("schedulerName", "default-scheduler");
        pod.TryAdd("securityContext", new JsonObject());
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var c in (pod[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                var image = JsonTree.ScalarText(c["image"]) ?? "";
                var tagged = image.Contains('@') || (image.LastIndexOf(':') > image.LastIndexOf('/') && !image.EndsWith(":latest", StringComparison.Ordinal));
                c.TryAdd("imagePullPolicy", tagged ? "IfNotPresent" : "Always");
                c.TryAdd("terminationMessagePath", "/dev/termination-log");
                c.TryAdd("terminationMessagePolicy", "File");
                foreach (var port in (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port.TryAdd("protocol", "TCP");
                }
            }
        }
    }

    private static JsonObject Spec(JsonObject obj)
    {
        if (obj["spec"] is JsonObject spec)
        {
            return spec;
        }
        var created = new JsonObject();
        obj["spec"] = created;
        return created;
    }
}
