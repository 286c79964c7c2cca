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
            if (!Uri.TryCreate(gateway.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add(new("spec.storage.s3Gateway.endpoint", $"\"{gateway.Endpoint}\" is not an http(s) URL"));
            }
            if (string.IsNullOrEmpty(gateway.Bucket) || !Bucket().IsMatch(gateway.Bucket))
            {
                errors.Add(new("spec.storage.s3Gateway.bucket", $"\"{gateway.Bucket}\" is not a valid bucket name"));
            }
            SpecChecks.Name(gateway.CredentialsSecretRef?.Name, "spec.storage.s3Gateway.credentialsSecretRef.name", errors);
            if (gateway.CaBundleRef is { } ca)
            {
                SpecChecks.Name(ca.Name, "spec.storage.s3Gateway.caBundleRef.name", errors);
            }
        }

        if (spec.Credentials?.SecretRef is { } credentials)
        {
            SpecChecks.Name(credentials.Name, "spec.credentials.secretRef.name", errors);
        }
        return errors;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_-]{0,79}$")]
    private static partial Regex KeyName();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex Bucket();
}
