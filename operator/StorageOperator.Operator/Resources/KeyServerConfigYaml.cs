using System.Text;
using System.Text.Json;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Resources;

/// <summary>
/// The key server's config file in KES's YAML shape. Split in a base (read at start: address, TLS,
/// keystore, logging) and the policy section (hot-reloaded): only the base goes into the pod-template
/// hash, so admitting a new store never restarts the key server.
/// </summary>
public static class KeyServerConfigYaml
{
    public const int Port = 7373;
    public const string Directory = "/etc/key-server";
    public const string ConfigFile = Directory + "/config.yaml";
    public const string TlsDirectory = Directory + "/tls";
    public const string RootKeyFile = Directory + "/root/root.key";
    public const string KeysDirectory = "/data/keys";

    public static string Base(KeyServerSpec spec)
    {
        var yaml = new StringBuilder();
        yaml.Append("version: v1\n");
        yaml.Append($"address: 0.0.0.0:{Port}\n");
        yaml.Append("admin:\n  identity: disabled\n");
        yaml.Append($"tls:\n  key: {TlsDirectory}/private.key\n  cert: {TlsDirectory}/public.crt\n");
        // The kubelet's readiness probe has no client certificate.
        yaml.Append("api:\n  /v1/ready:\n    skip_auth: true\n    timeout: 15s\n");
        yaml.Append("log:\n  error: on\n  audit: on\n");
        if (spec.Keystore.Fs is not null)
        {
            yaml.Append($"keystore:\n  fs:\n    path: {KeysDirectory}\n    root_key_file: {RootKeyFile}\n");
        }
        return yaml.ToString();
    }

    public static string Policies(IEnumerable<KeyServerPolicyEntry> policies)
    {
        var yaml = new StringBuilder("policy:");
        var any = false;
        foreach (var policy in policies.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            any = true;
            yaml.Append($"\n  {Quote(policy.Name)}:\n");
            List("allow", policy.Allow);
            List("deny", policy.Deny);
            List("identities", policy.Identities);
        }
        if (!any)
        {
            yaml.Append(" {}\n");
        }
        return yaml.ToString();

        void List(string field, IReadOnlyList<string> items)
        {
            if (items.Count == 0)
            {
                yaml.Append($"    {field}: []\n");
                return;
            }
            yaml.Append($"    {field}:\n");
            foreach (var item in items)
            {
                yaml.Append($"    - {Quote(item)}\n");
            }
        }
    }

    public static string Render(KeyServerSpec spec, IEnumerable<KeyServerPolicyEntry> policies) => Base(spec) + Policies(policies);

    // A JSON string is a valid YAML double-quoted scalar; no user text can break the structure.
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
