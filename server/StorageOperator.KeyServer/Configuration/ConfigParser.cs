using System.Text.RegularExpressions;
using StorageOperator.KeyServer.Identities;
using StorageOperator.KeyServer.Keys;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StorageOperator.KeyServer.Configuration;

/// <summary>
/// Parses KES's YAML config (§3.5) into <see cref="KeyServerConfig"/>. Pure: the environment is a parameter.
/// <c>${NAME}</c> in any scalar is replaced by the variable and is an error when it is unset, as in KES.
/// Every problem is collected and reported at once.
/// </summary>
public static partial class ConfigParser
{
    /// <summary>The routes whose auth and timeout KES lets a config change.</summary>
    public static readonly IReadOnlySet<string> ConfigurableApiPaths =
        new HashSet<string>(StringComparer.Ordinal) { "/v1/ready", "/v1/status", "/v1/metrics", "/v1/api" };

    public static KeyServerConfig Parse(string yaml, Func<string, string?> environment)
    {
        var errors = new List<string>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                throw new ConfigException(["the config file must be a YAML mapping"]);
            }

            root = mapping;
        }
        catch (YamlException e)
        {
            throw new ConfigException([$"YAML syntax error at line {e.Start.Line}: {e.Message}"]);
        }

        var reader = new Reader(environment, errors);
        var config = new KeyServerConfig();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "version":
                    var version = reader.Scalar(value, "version");
                    if (version is not null and not "v1")
                    {
                        errors.Add($"version: unsupported version '{version}'");
                    }

                    break;
                case "address":
                    config = config with { Address = reader.Scalar(value, "address") ?? config.Address };
                    break;
                case "admin":
                    var admin = reader.Scalar(reader.Child(value, "admin", "identity"), "admin.identity");
                    config = config with { AdminIdentity = Identity.IsWellFormed(admin?.ToLowerInvariant()) ? admin!.ToLowerInvariant() : null };
                    break;
                case "tls":
                    config = config with { Tls = ParseTls(reader, value) };
                    break;
                case "policy":
                    config = config with { Policies = ParsePolicies(reader, value) };
                    break;
                case "api":
                    config = config with { Api = ParseApi(reader, value) };
                    break;
                case "log":
                    config = config with { Log = ParseLog(reader, value) };
                    break;
                case "keys":
                    config = config with { Keys = ParseKeys(reader, value) };
                    break;
                case "keystore":
                    config = config with { KeyStore = ParseKeyStore(reader, value) };
                    break;
                case "cache":
                    break; // every key lives in memory once read; KES's cache tuning has nothing to tune here
                default:
                    errors.Add($"unknown field '{key}'");
                    break;
            }
        }

        ValidateAssignments(config, errors);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return config;
    }

    private static TlsConfig ParseTls(Reader reader, YamlNode node)
    {
        var tls = new TlsConfig();
        foreach (var (key, value) in reader.Mapping(node, "tls"))
        {
            switch (key)
            {
                case "key":
                    tls = tls with { PrivateKeyPath = reader.Scalar(value, "tls.key") };
                    break;
                case "cert":
                    tls = tls with { CertificatePath = reader.Scalar(value, "tls.cert") };
                    break;
                case "password":
                    tls = tls with { Password = NullIfEmpty(reader.Scalar(value, "tls.password")) };
                    break;
                case "ca":
                    tls = tls with { CaPath = NullIfEmpty(reader.Scalar(value, "tls.ca")) };
                    break;
                case "auth":
                    var auth = reader.Scalar(value, "tls.auth")?.ToLowerInvariant();
                    switch (auth)
                    {
                        case null or "" or "off" or "false":
                            break;
                        case "on" or "true":
                            tls = tls with { VerifyClientCertificates = true };
                            break;
                        default:
                            reader.Errors.Add($"tls.auth: '{auth}' is neither 'on' nor 'off'");
                            break;
                    }

                    break;
                case "proxy":
                    if (value is YamlMappingNode { Children.Count: > 0 })
                    {
                        reader.Errors.Add("tls.proxy: TLS proxies are not supported");
                    }

                    break;
                default:
                    reader.Errors.Add($"tls: unknown field '{key}'");
                    break;
            }
        }

        return tls;
    }

    private static Dictionary<string, PolicyConfig> ParsePolicies(Reader reader, YamlNode node)
    {
        var policies = new Dictionary<string, PolicyConfig>(StringComparer.Ordinal);
        foreach (var (name, value) in reader.Mapping(node, "policy"))
        {
            if (!KeyName.IsValid(name))
            {
                reader.Errors.Add($"policy: invalid policy name '{name}'");
            }

            IReadOnlyList<string> allow = [], deny = [], identities = [];
            foreach (var (field, list) in reader.Mapping(value, $"policy.{name}"))
            {
                switch (field)
                {
                    case "allow":
                        allow = reader.List(list, $"policy.{name}.allow");
                        break;
                    case "deny":
                        deny = reader.List(list, $"policy.{name}.deny");
                        break;
                    case "identities":
                        identities = [.. reader.List(list, $"policy.{name}.identities").Select(i => i.ToLowerInvariant())];
                        foreach (var identity in identities.Where(i => !Identity.IsWellFormed(i)))
                        {
                            reader.Errors.Add($"policy.{name}.identities: '{identity}' is not an identity (64 hex digits)");
                        }

                        break;
                    default:
                        reader.Errors.Add($"policy.{name}: unknown field '{field}'");
                        break;
                }
            }

            policies[name] = new PolicyConfig(allow, deny, identities);
        }

        return policies;
    }

    private static Dictionary<string, ApiRouteConfig> ParseApi(Reader reader, YamlNode node)
    {
        var api = new Dictionary<string, ApiRouteConfig>(StringComparer.Ordinal);
        foreach (var (path, value) in reader.Mapping(node, "api"))
        {
            if (!ConfigurableApiPaths.Contains(path))
            {
                reader.Errors.Add($"api: '{path}' cannot be configured (only {string.Join(", ", ConfigurableApiPaths)})");
                continue;
            }

            var skipAuth = false;
            TimeSpan? timeout = null;
            foreach (var (field, scalar) in reader.Mapping(value, $"api.{path}"))
            {
                var text = reader.Scalar(scalar, $"api.{path}.{field}");
                switch (field)
                {
                    case "skip_auth":
                        skipAuth = reader.Bool(text, $"api.{path}.skip_auth");
                        break;
                    case "timeout":
                        if (text is not null && GoDuration.TryParse(text, out var parsed) && parsed > TimeSpan.Zero)
                        {
                            timeout = parsed;
                        }
                        else
                        {
                            reader.Errors.Add($"api.{path}.timeout: '{text}' is not a positive duration");
                        }

                        break;
                    default:
                        reader.Errors.Add($"api.{path}: unknown field '{field}'");
                        break;
                }
            }

            api[path] = new ApiRouteConfig(skipAuth, timeout);
        }

        return api;
    }

    private static LogConfig ParseLog(Reader reader, YamlNode node)
    {
        var log = new LogConfig();
        foreach (var (field, value) in reader.Mapping(node, "log"))
        {
            var text = reader.Scalar(value, $"log.{field}");
            switch (field)
            {
                case "error":
                    log = log with { Error = reader.Bool(text, "log.error") };
                    break;
                case "audit":
                    log = log with { Audit = reader.Bool(text, "log.audit") };
                    break;
                case "audit_file":
                    log = log with { AuditFile = NullIfEmpty(text) };
                    break;
                default:
                    reader.Errors.Add($"log: unknown field '{field}'");
                    break;
            }
        }

        return log;
    }

    private static List<string> ParseKeys(Reader reader, YamlNode node)
    {
        var names = new List<string>();
        if (node is not YamlSequenceNode sequence)
        {
            reader.Errors.Add("keys: must be a list of {name: …}");
            return names;
        }

        foreach (var item in sequence)
        {
            var name = reader.Scalar(reader.Child(item, "keys[]", "name"), "keys[].name");
            if (name is null || !KeyName.IsValid(name))
            {
                reader.Errors.Add($"keys: invalid key name '{name}'");
                continue;
            }

            names.Add(name);
        }

        return names;
    }

    private static KeyStoreConfig ParseKeyStore(Reader reader, YamlNode node)
    {
        KeyStoreConfig store = new MemoryKeyStoreConfig();
        foreach (var (kind, value) in reader.Mapping(node, "keystore"))
        {
            if (kind != "fs")
            {
                reader.Errors.Add($"keystore: '{kind}' is not supported (use 'fs', or none for an in-memory store)");
                continue;
            }

            string? path = null, rootKey = null, rootKeyFile = null;
            foreach (var (field, scalar) in reader.Mapping(value, "keystore.fs"))
            {
                var text = reader.Scalar(scalar, $"keystore.fs.{field}");
                switch (field)
                {
                    case "path":
                        path = text;
                        break;
                    case "root_key":
                        rootKey = NullIfEmpty(text);
                        break;
                    case "root_key_file":
                        rootKeyFile = NullIfEmpty(text);
                        break;
                    default:
                        reader.Errors.Add($"keystore.fs: unknown field '{field}'");
                        break;
                }
            }

            if (string.IsNullOrEmpty(path))
            {
                reader.Errors.Add("keystore.fs.path: required");
            }

            if ((rootKey is null) == (rootKeyFile is null))
            {
                reader.Errors.Add("keystore.fs: exactly one of root_key and root_key_file is required");
            }

            store = new FileSystemKeyStoreConfig(path ?? "", rootKey, rootKeyFile);
        }

        return store;
    }

    private static void ValidateAssignments(KeyServerConfig config, List<string> errors)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, policy) in config.Policies)
        {
            foreach (var identity in policy.Identities)
            {
                if (config.AdminIdentity == identity)
                {
                    errors.Add($"policy.{name}.identities: '{identity}' is the admin identity");
                }
                else if (!owner.TryAdd(identity, name))
                {
                    errors.Add($"policy.{name}.identities: '{identity}' is already assigned to policy '{owner[identity]}'");
                }
            }
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();

    private sealed class Reader(Func<string, string?> environment, List<string> errors)
    {
        public List<string> Errors => errors;

        public string? Scalar(YamlNode? node, string where)
        {
            switch (node)
            {
                case null:
                    return null;
                case YamlScalarNode scalar:
                    var text = scalar.Value ?? "";
                    if (scalar.Style == ScalarStyle.Plain && text is "~" or "null")
                    {
                        return null;
                    }

                    return EnvReference().Replace(text, m =>
                    {
                        var value = environment(m.Groups[1].Value);
                        if (value is null)
                        {
                            errors.Add($"{where}: environment variable '{m.Groups[1].Value}' is not set");
                            return "";
                        }

                        return value;
                    });
                default:
                    errors.Add($"{where}: expected a single value");
                    return null;
            }
        }

        public YamlNode? Child(YamlNode node, string where, string field)
        {
            if (node is not YamlMappingNode mapping)
            {
                errors.Add($"{where}: expected a mapping");
                return null;
            }

            return mapping.Children.TryGetValue(new YamlScalarNode(field), out var child) ? child : null;
        }

        public IEnumerable<(string Key, YamlNode Value)> Mapping(YamlNode node, string where)
        {
            if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                return [];
            }

            if (node is not YamlMappingNode mapping)
            {
                errors.Add($"{where}: expected a mapping");
                return [];
            }

            return mapping.Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", kv.Value));
        }

        public IReadOnlyList<string> List(YamlNode node, string where)
        {
            if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                return [];
            }

            if (node is not YamlSequenceNode sequence)
            {
                errors.Add($"{where}: expected a list");
                return [];
            }

            return [.. sequence.Select(item => Scalar(item, where)).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)];
        }

        public bool Bool(string? text, string where)
        {
            switch (text?.ToLowerInvariant())
            {
                case "on" or "true" or "yes":
                    return true;
                case null or "" or "off" or "false" or "no":
                    return false;
                default:
                    errors.Add($"{where}: '{text}' is neither 'on' nor 'off'");
                    return false;
            }
        }
    }
}
