using System.Text.RegularExpressions;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary>
/// The Kubernetes permissions operator/ needs, read from its source: typed client calls
/// (<c>client.CoreV1.CreateNamespacedSecretAsync</c>), informers and server-side apply of owned and watched
/// kinds (<c>.Owns&lt;V1Secret&gt;()</c>, <c>.Watches&lt;V1ConfigMap&gt;(...)</c>, <c>V1Service o =&gt; Apply.ApplyAsync</c>),
/// and the runtime's writes to the custom resources (finalizer and status patches).
/// Each permission is "apiGroup/resource:verb", as in RBAC rules.
/// </summary>
public static partial class OperatorApiCalls
{
    public const string CustomResourceGroup = "storage.storageoperator.io";

    private static readonly Dictionary<string, string> Groups = new(StringComparer.Ordinal)
    {
        ["CoreV1"] = "",
        ["AppsV1"] = "apps",
        ["PolicyV1"] = "policy",
        ["CoordinationV1"] = "coordination.k8s.io",
        ["EventsV1"] = "events.k8s.io",
        ["BatchV1"] = "batch",
    };

    private static readonly Dictionary<string, string> Verbs = new(StringComparer.Ordinal)
    {
        ["Read"] = "get",
        ["List"] = "list",
        ["Watch"] = "watch",
        ["Create"] = "create",
        ["Replace"] = "update",
        ["Patch"] = "patch",
        ["Delete"] = "delete",
        ["DeleteCollection"] = "deletecollection",
    };

    /// <summary>Kinds the operator's own API defines (type name to plural).</summary>
    private static readonly Dictionary<string, string> CustomKinds = new(StringComparer.Ordinal)
    {
        ["ObjectStore"] = "objectstores",
        ["KeyServer"] = "keyservers",
    };

    /// <summary>Other kinds the operator models itself (not in k8s.Models).</summary>
    private static readonly Dictionary<string, (string Group, string Plural)> ForeignKinds = new(StringComparer.Ordinal)
    {
        ["CertManagerCertificate"] = ("cert-manager.io", "certificates"),
    };

    public static SortedSet<string> FromSources(IEnumerable<string> sources)
    {
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (Match m in TypedCall().Matches(source))
            {
                var verb = Verbs[m.Groups["verb"].Value];
                var resource = Plural(m.Groups["kind"].Value) + (m.Groups["status"].Success ? "/status" : "");
                needed.Add($"{Groups[m.Groups["api"].Value]}/{resource}:{verb}");
            }
            foreach (Match m in Controller().Matches(source))
            {
                AddAll(needed, m.Groups["type"].Value, "list", "watch");
            }
            foreach (Match m in Owns().Matches(source))
            {
                AddAll(needed, m.Groups["type"].Value, "list", "watch", "create", "patch");
            }
            foreach (Match m in Watches().Matches(source))
            {
                AddAll(needed, m.Groups["type"].Value, "list", "watch");
            }
            foreach (Match m in AppliedChild().Matches(source))
            {
                AddAll(needed, m.Groups["type"].Value, "create", "patch");
            }
            foreach (Match m in ResourceClientCall().Matches(source))
            {
                var verb = m.Groups["op"].Value switch
                {
                    "Get" => "get",
                    "List" => "list",
                    "Watch" => "watch",
                    "Create" => "create",
                    "Patch" => "patch",
                    "PatchStatus" => "patch",
                    "Delete" => "delete",
                    var other => throw new NotSupportedException($"ResourceClient.{other}Async"),
                };
                var suffix = m.Groups["op"].Value == "PatchStatus" ? "/status" : "";
                var type = m.Groups["type"].Value;
                // The runtime's generic writers (StatusWriter, Finalizers) act on the custom resources.
                var kinds = type == "T" ? CustomKinds.Keys.ToArray() : [type];
                foreach (var kind in kinds)
                {
                    AddSub(needed, kind, suffix, verb);
                }
            }
        }
        return needed;
    }

    private static void AddAll(SortedSet<string> needed, string type, params string[] verbs)
    {
        foreach (var verb in verbs)
        {
            AddSub(needed, type, "", verb);
        }
    }

    private static void AddSub(SortedSet<string> needed, string type, string subresource, string verb)
    {
        var (group, plural) = Resource(type);
        needed.Add($"{group}/{plural}{subresource}:{verb}");
    }

    /// <summary>V1Secret -> ("", secrets); V1StatefulSet -> (apps, statefulsets); ObjectStore -> (our group, objectstores).</summary>
    private static (string Group, string Plural) Resource(string type)
    {
        if (CustomKinds.TryGetValue(type, out var plural))
        {
            return (CustomResourceGroup, plural);
        }
        if (ForeignKinds.TryGetValue(type, out var foreign))
        {
            return foreign;
        }
        var model = typeof(k8s.Models.V1Secret).Assembly.GetType($"k8s.Models.{type}")
            ?? throw new NotSupportedException($"unknown kind type {type}: teach OperatorApiCalls about it");
        var entity = (k8s.Models.KubernetesEntityAttribute)Attribute.GetCustomAttribute(model, typeof(k8s.Models.KubernetesEntityAttribute))!;
        return (entity.Group ?? "", entity.PluralName);
    }

    private static string Plural(string kind) => kind.ToLowerInvariant() + "s";

    [GeneratedRegex(@"\.(?<api>CoreV1|AppsV1|PolicyV1|CoordinationV1|EventsV1|BatchV1)\.(?<verb>Read|List|Watch|Create|Replace|Patch|DeleteCollection|Delete)Namespaced(?<kind>[A-Za-z]+?)(?<status>Status)?(WithHttpMessages)?Async")]
    private static partial Regex TypedCall();

    [GeneratedRegex(@"\.AddController\((?<type>\w+)\.KindName")]
    private static partial Regex Controller();

    [GeneratedRegex(@"\.Owns<(?<type>\w+)>\(")]
    private static partial Regex Owns();

    [GeneratedRegex(@"\.Watches<(?<type>\w+)>\(")]
    private static partial Regex Watches();

    [GeneratedRegex(@"(?<type>\w+) \w+ => Apply\.ApplyAsync\(")]
    private static partial Regex AppliedChild();

    [GeneratedRegex(@"new ResourceClient<(?<type>\w+)>\(\w+\)\s*\.(?<op>\w+?)Async\(")]
    private static partial Regex ResourceClientCall();
}
