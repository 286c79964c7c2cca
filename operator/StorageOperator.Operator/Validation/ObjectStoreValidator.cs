using System.Text.RegularExpressions;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Validation;

/// <summary>
/// Everything the CRD schema cannot say (cross-field rules, parsed durations and quantities) plus
/// the schema's own rules again, since not every API server or emulator enforces CEL.
/// </summary>
public static partial class ObjectStoreValidator
{
    private static readonly string[] AccessModes = ["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"];

    public static IReadOnlyList<ValidationError> Validate(ObjectStore store)
    {
        var errors = new List<ValidationError>();
        SpecChecks.WorkloadName(store.Metadata?.Name, errors);
        var spec = store.Spec;
        if (spec is null)
        {
            errors.Add(new("spec", "required"));
            return errors;
        }
        SpecChecks.Replicas(spec.Replicas, 64, "spec.replicas", errors);
        SpecChecks.Tls(spec.Tls, "spec.tls", errors, allowDisabled: true);

        if (spec.Encryption is { } enc)
        {
            SpecChecks.Name(enc.KeyServerRef?.Name, "spec.encryption.keyServerRef.name", errors);
            if (enc.KeyServerRef?.Namespace is { } ns)
            {
                SpecChecks.Name(ns, "spec.encryption.keyServerRef.namespace", errors);
            }
            if (string.IsNullOrEmpty(enc.KeyName))
            {
                errors.Add(new("spec.encryption.keyName", "required"));
            }
            else if (!KeyName().IsMatch(enc.KeyName) || enc.KeyName.EndsWith('-'))
            {
                // The key server's (KES's) rule: letters, digits, '_' and '-', not starting or ending with '-'.
                errors.Add(new("spec.encryption.keyName", $"\"{enc.KeyName}\" must be 1-80 characters of letters, digits, '_' or '-', not starting or ending with '-'"));
            }
        }

        var storage = spec.Storage;
        if (storage is null || (storage.Volume is null) == (storage.S3Gateway is null))
        {
            errors.Add(new("spec.storage", "exactly one of volume or s3Gateway must be set"));
        }
        if (storage?.Volume is { } volume)
        {
            SpecChecks.Quantity(volume.Size, "spec.storage.volume.size", errors);
            for (var i = 0; i < (volume.AccessModes?.Count ?? 0); i++)
            {
                if (!AccessModes.Contains(volume.AccessModes![i]))
                {
                    errors.Add(new($"spec.storage.volume.accessModes[{i}]", $"\"{volume.AccessModes[i]}\" is not one of {string.Join(", ", AccessModes)}"));
                }
            }
        }
        if (storage?.S3Gateway is { } gateway)
        {
            Gateway(gateway, "spec.storage.s3Gateway", errors);
        }

        if (spec.Credentials?.SecretRef is { } credentials)
        {
            SpecChecks.Name(credentials.Name, "spec.credentials.secretRef.name", errors);
        }
        return errors;
    }

    /// <summary>The storage server's own STORAGE_GATEWAY_* checks, made here so they surface as InvalidSpec instead of a crash-looping pod.</summary>
    private static void Gateway(S3GatewayStorage gateway, string path, List<ValidationError> errors)
    {
        if (!Uri.TryCreate(gateway.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            errors.Add(new($"{path}.endpoint", $"\"{gateway.Endpoint}\" is not an http(s)://host[:port] URL without a path"));
        }
        if (gateway.Bucket is not null && (!Bucket().IsMatch(gateway.Bucket) || gateway.Bucket.Contains("..", StringComparison.Ordinal)))
        {
            errors.Add(new($"{path}.bucket", $"\"{gateway.Bucket}\" is not a valid bucket name"));
        }
        if (gateway.Bucket is not null && gateway.BucketPrefix is not null)
        {
            errors.Add(new($"{path}.bucketPrefix", "set either bucket (prefix mode) or bucketPrefix (a backend bucket per bucket), not both"));
        }
        if (gateway.Prefix is { Length: > 0 } prefix)
        {
            if (gateway.Bucket is null)
            {
                errors.Add(new($"{path}.prefix", "is a key prefix inside bucket and needs bucket"));
            }
            if (prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.Any(char.IsControl))
            {
                errors.Add(new($"{path}.prefix", $"\"{prefix}\" must not start with '/', contain '//' or control characters"));
            }
        }
        if (gateway.BucketPrefix is { } bucketPrefix && !BucketPrefix().IsMatch(bucketPrefix))
        {
            errors.Add(new($"{path}.bucketPrefix", $"\"{bucketPrefix}\" may hold up to 40 lowercase letters, digits, '-' and '.'"));
        }
        if (gateway.Region is { } region && (region.Length == 0 || region.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            errors.Add(new($"{path}.region", $"\"{region}\" is not a region name"));
        }
        GatewayDuration(gateway.Timeout, $"{path}.timeout", errors);
        GatewayDuration(gateway.ConnectTimeout, $"{path}.connectTimeout", errors);
        if (gateway.MaxRetries is < 0 or > 20)
        {
            errors.Add(new($"{path}.maxRetries", "must be between 0 and 20"));
        }
        SpecChecks.Name(gateway.CredentialsSecretRef?.Name, $"{path}.credentialsSecretRef.name", errors);
        SecretKey(gateway.CredentialsSecretRef?.AccessKeyKey, $"{path}.credentialsSecretRef.accessKeyKey", errors);
        SecretKey(gateway.CredentialsSecretRef?.SecretKeyKey, $"{path}.credentialsSecretRef.secretKeyKey", errors);
        if (gateway.CaBundleRef is { } ca)
        {
            SpecChecks.Name(ca.Name, $"{path}.caBundleRef.name", errors);
            SecretKey(ca.Key, $"{path}.caBundleRef.key", errors);
            if (uri?.Scheme == "http")
            {
                errors.Add(new($"{path}.caBundleRef", "is set but the endpoint is plain http"));
            }
        }
    }

    /// <summary>The storage server's rule for STORAGE_GATEWAY_TIMEOUT / _CONNECT_TIMEOUT: above zero, at most an hour.</summary>
    private static void GatewayDuration(string? text, string path, List<ValidationError> errors)
    {
        if (text is null)
        {
            return;
        }
        var match = GatewayDurationRegex().Match(text);
        var seconds = match.Success && double.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n * match.Groups[3].Value switch { "ms" => 0.001, "m" => 60, "h" => 3600, _ => 1 }
            : -1;
        if (seconds <= 0 || seconds > 3600)
        {
            errors.Add(new(path, $"\"{text}\" must be a duration above zero and up to 1h, such as 30s, 500ms or 2m"));
        }
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?)(ms|s|m|h)?$")]
    private static partial Regex GatewayDurationRegex();

    private static void SecretKey(string? key, string path, List<ValidationError> errors)
    {
        if (key is not null && (key.Length is 0 or > 253 || !SecretDataKey().IsMatch(key)))
        {
            errors.Add(new(path, $"\"{key}\" is not a valid Secret/ConfigMap key"));
        }
    }

    [GeneratedRegex(GatewayCredentialsReference.SecretKeyPattern)]
    private static partial Regex SecretDataKey();

    [GeneratedRegex(@"^[a-z0-9.-]{0,40}$")]
    private static partial Regex BucketPrefix();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_-]{0,79}$")]
    private static partial Regex KeyName();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex Bucket();
}
