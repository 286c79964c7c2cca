using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// The KMS settings of the storage server, from the environment (MinIO <c>internal/kms/config.go</c> rules). Each
/// STORAGE_KMS_* variable has the MINIO_KMS_* name as an alias; ours wins when both are set. Exactly one backend
/// (static key or KES) may be configured.
/// </summary>
public sealed partial class KmsConfiguration
{
    public const string SecretKeyVariable = "STORAGE_KMS_SECRET_KEY";
    public const string SecretKeyFileVariable = "STORAGE_KMS_SECRET_KEY_FILE";
    public const string KesEndpointVariable = "STORAGE_KMS_KES_ENDPOINT";
    public const string KesKeyNameVariable = "STORAGE_KMS_KES_KEY_NAME";
    public const string KesCertFileVariable = "STORAGE_KMS_KES_CERT_FILE";
    public const string KesKeyFileVariable = "STORAGE_KMS_KES_KEY_FILE";
    public const string KesCaPathVariable = "STORAGE_KMS_KES_CAPATH";
    public const string AutoEncryptionVariable = "STORAGE_KMS_AUTO_ENCRYPTION";

    private const string OurPrefix = "STORAGE_";
    private const string MinioPrefix = "MINIO_";

    // MinIO features we do not implement; setting them must not be silently ignored.
    private static readonly string[] UnsupportedVariables =
    [
        "KMS_KES_API_KEY", "KMS_KES_KEY_PASSWORD", "KMS_SERVER", "KMS_ENCLAVE", "KMS_SSE_KEY", "KMS_API_KEY",
    ];

    private readonly byte[]? _staticKey;

    private KmsConfiguration(KmsBackend backend, string? staticKeyName, byte[]? staticKey, KesClientOptions? kes, bool autoEncryption)
    {
        Backend = backend;
        StaticKeyName = staticKeyName;
        _staticKey = staticKey;
        Kes = kes;
        AutoEncryption = autoEncryption;
    }

    public KmsBackend Backend { get; }

    /// <summary>Name of the static key (its default key id).</summary>
    public string? StaticKeyName { get; }

    public KesClientOptions? Kes { get; }

    /// <summary>Encrypt objects written without SSE headers under the default key (§2.12).</summary>
    public bool AutoEncryption { get; }

    /// <summary>The default key id of the configured backend, or null without a KMS.</summary>
    public string? DefaultKeyId => Backend switch
    {
        KmsBackend.StaticKey => StaticKeyName,
        KmsBackend.Kes => Kes!.DefaultKeyName,
        _ => null,
    };

    /// <param name="environment">e.g. <see cref="Environment.GetEnvironmentVariables()"/>.</param>
    /// <param name="certsDirectory">the server's certs folder; its <c>CAs/</c> is the default KES CA path.</param>
    /// <param name="secretsDirectory">where relative <c>*_FILE</c> names are looked up first (Docker secrets).</param>
    /// <exception cref="KmsConfigurationException">the settings are inconsistent or invalid.</exception>
    public static KmsConfiguration FromEnvironment(IDictionary environment, string? certsDirectory = null, string secretsDirectory = "/run/secrets")
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string suffix)
        {
            foreach (var prefix in (string[])[OurPrefix, MinioPrefix])
            {
                if (environment[prefix + suffix] is string value && !string.IsNullOrWhiteSpace(value))
                {
                    return value.Trim();
                }
            }

            return null;
        }

        foreach (var suffix in UnsupportedVariables)
        {
            if (Get(suffix) is not null)
            {
                throw new KmsConfigurationException($"{MinioPrefix}{suffix} is not supported by this server.");
            }
        }

        var autoEncryption = Get("KMS_AUTO_ENCRYPTION") is { } auto
            ? ParseBool(auto) ?? throw new KmsConfigurationException($"{AutoEncryptionVariable}: '{auto}' is not a boolean (on/off, true/false, 1/0, enabled/disabled).")
            : false;

        var secret = ResolveSecret(environment, secretsDirectory);
        var endpoints = Get("KMS_KES_ENDPOINT");
        if (secret is not null && endpoints is not null)
        {
            throw new KmsConfigurationException(
                $"Exactly one KMS may be configured: both a static key ({SecretKeyVariable}) and KES ({KesEndpointVariable}) are set.");
        }

        if (secret is not null)
        {
            try
            {
                using var kms = StaticKeyKms.Parse(secret);
                var name = kms.DefaultKeyId;
                var key = Convert.FromBase64String(secret[(secret.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                return new KmsConfiguration(KmsBackend.StaticKey, name, key, null, autoEncryption);
            }
            catch (FormatException e)
            {
                throw new KmsConfigurationException($"{SecretKeyVariable}: {e.Message}", e);
            }
        }

        if (endpoints is not null)
        {
            var keyName = Get("KMS_KES_KEY_NAME")
                ?? throw new KmsConfigurationException($"{KesKeyNameVariable} is required with {KesEndpointVariable}.");
            var certFile = Get("KMS_KES_CERT_FILE");
            var keyFile = Get("KMS_KES_KEY_FILE");
            if (certFile is null || keyFile is null)
            {
                throw new KmsConfigurationException(
                    $"{KesCertFileVariable} and {KesKeyFileVariable} are both required with {KesEndpointVariable} (mutual TLS).");
            }

            var caPath = Get("KMS_KES_CAPATH") ?? (certsDirectory is null ? null : Path.Combine(certsDirectory, "CAs"));
            var options = new KesClientOptions
            {
                Endpoints = ParseEndpoints(endpoints),
                DefaultKeyName = keyName,
                ClientCertificateFile = certFile,
                ClientKeyFile = keyFile,
                CaPath = caPath,
            };
            return new KmsConfiguration(KmsBackend.Kes, null, null, options, autoEncryption);
        }

        if (autoEncryption)
        {
            throw new KmsConfigurationException($"{AutoEncryptionVariable} requires a valid KMS configuration.");
        }

        return new KmsConfiguration(KmsBackend.None, null, null, null, false);
    }

    /// <summary>The client for the configured backend; null without a KMS. The caller owns (disposes) it.</summary>
    public IKmsClient? CreateClient() => Backend switch
    {
        KmsBackend.StaticKey => new StaticKeyKms(StaticKeyName!, _staticKey),
        KmsBackend.Kes => new KesClient(Kes!),
        _ => null,
    };

    /// <summary>MinIO's boolean words, any case; null when the text is none of them.</summary>
    public static bool? ParseBool(string value) => value.Trim().ToLowerInvariant() switch
    {
        "on" or "true" or "t" or "1" or "enabled" => true,
        "off" or "false" or "f" or "0" or "disabled" => false,
        _ => null,
    };

    /// <summary>Comma-separated URLs with MinIO ellipsis ranges, e.g. <c>https://kes{1...3}:7373</c>; https is assumed.</summary>
    public static IReadOnlyList<Uri> ParseEndpoints(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var result = new List<Uri>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var expanded in ExpandEllipses(item))
            {
                var text = expanded.Contains("://", StringComparison.Ordinal) ? expanded : "https://" + expanded;
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    throw new KmsConfigurationException($"{KesEndpointVariable}: '{expanded}' is not an https:// URL.");
                }

                result.Add(uri);
            }
        }

        return result.Count > 0 ? result : throw new KmsConfigurationException($"{KesEndpointVariable} holds no endpoint.");
    }

    private static IEnumerable<string> ExpandEllipses(string text)
    {
        var match = Ellipsis().Match(text);
        if (!match.Success)
        {
            yield return text;
            yield break;
        }

        var fromText = match.Groups[1].Value;
        var from = long.Parse(fromText, CultureInfo.InvariantCulture);
        var to = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (to < from || to - from > 1000)
        {
            throw new KmsConfigurationException($"{KesEndpointVariable}: invalid range {match.Value}.");
        }

        var width = fromText.Length > 1 && fromText[0] == '0' ? fromText.Length : 0;
        for (var i = from; i <= to; i++)
        {
            var replaced = string.Concat(text.AsSpan(0, match.Index), i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'), text.AsSpan(match.Index + match.Length));
            foreach (var expanded in ExpandEllipses(replaced))
            {
                yield return expanded;
            }
        }
    }

    private static string? ResolveSecret(IDictionary environment, string secretsDirectory)
    {
        foreach (var prefix in (string[])[OurPrefix, MinioPrefix])
        {
            if (environment[prefix + "KMS_SECRET_KEY"] is string direct && !string.IsNullOrWhiteSpace(direct))
            {
                return direct.Trim();
            }

            // As MinIO: a *_FILE that is empty or names no file is ignored (the Docker image always sets one).
            if (environment[prefix + "KMS_SECRET_KEY_FILE"] is string file && !string.IsNullOrWhiteSpace(file))
            {
                file = file.Trim();
                var candidates = Path.IsPathRooted(file) ? [file] : new[] { Path.Combine(secretsDirectory, file), file };
                foreach (var candidate in candidates)
                {
                    if (File.Exists(candidate) && File.ReadAllText(candidate).Trim() is { Length: > 0 } content)
                    {
                        return content;
                    }
                }
            }
        }

        return null;
    }

    public override string ToString() => $"KmsConfiguration {{ Backend = {Backend}, DefaultKeyId = {DefaultKeyId}, AutoEncryption = {AutoEncryption} }}";

    [GeneratedRegex(@"\{(\d+)\.\.\.(\d+)\}")]
    private static partial Regex Ellipsis();
}
