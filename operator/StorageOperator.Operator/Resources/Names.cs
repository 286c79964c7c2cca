using System.Security.Cryptography;
using System.Text;

namespace StorageOperator.Operator.Resources;

/// <summary>Names of everything the operator creates; one place so builders, controllers and docs agree.</summary>
public static class Names
{
    /// <summary>The per-namespace CA Secret (shared by every ObjectStore and KeyServer in the namespace).</summary>
    public const string NamespaceCaSecret = "storage-operator-ca";

    public static string ServerTlsSecret(string name) => $"{name}-tls";

    public static string CaBundleConfigMap(string name) => $"{name}-ca";

    public static string ClientSecret(string name) => $"{name}-client";

    public static string CredentialsSecret(string name) => $"{name}-credentials";

    public static string KeyServerClientSecret(string name) => $"{name}-kes-client";

    public static string HeadlessService(string name) => $"{name}-hl";

    public static string KeyServerConfig(string name) => $"{name}-config";

    public static string RootKeySecret(string name) => $"{name}-root-key";

    public const string DataVolume = "data";

    /// <summary>
    /// The key-server policy of one ObjectStore. KES names allow letters, digits, '-' and '_' up to 80
    /// characters; object names may contain '.', and namespace + name may be longer.
    /// </summary>
    public static string StorePolicy(string ns, string name)
    {
        var candidate = $"objectstore-{ns}-{name}".Replace('.', '-');
        if (candidate.Length <= 80)
        {
            return candidate;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ns}/{name}")))[..12];
        return $"{candidate[..67]}-{hash}";
    }

    /// <summary>DNS names of a Service and the pods behind its headless Service.</summary>
    public static IReadOnlyList<string> ServiceHosts(string name, string ns, string clusterDomain) =>
    [
        name,
        $"{name}.{ns}",
        $"{name}.{ns}.svc",
        $"{name}.{ns}.svc.{clusterDomain}",
        $"*.{HeadlessService(name)}.{ns}.svc",
        $"*.{HeadlessService(name)}.{ns}.svc.{clusterDomain}",
    ];
}
