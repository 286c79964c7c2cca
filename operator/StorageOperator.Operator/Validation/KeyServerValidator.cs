using System.Text.RegularExpressions;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Validation;

public static partial class KeyServerValidator
{
    public static IReadOnlyList<ValidationError> Validate(KeyServer server)
    {
        var errors = new List<ValidationError>();
        SpecChecks.WorkloadName(server.Metadata?.Name, errors);
        var spec = server.Spec;
        if (spec is null)
        {
            errors.Add(new("spec", "required"));
            return errors;
        }
        SpecChecks.Replicas(spec.Replicas, 16, "spec.replicas", errors);
        SpecChecks.Tls(spec.Tls, "spec.tls", errors, allowDisabled: false);

        var keystore = spec.Keystore;
        if (keystore is null || (keystore.Fs is null) == (keystore.Memory is null))
        {
            errors.Add(new("spec.keystore", "exactly one of fs or memory must be set"));
        }
        if (keystore?.Fs is { } fs)
        {
            SpecChecks.Quantity(fs.Size, "spec.keystore.fs.size", errors);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (spec.Policies?.Count ?? 0); i++)
        {
            var policy = spec.Policies![i];
            var path = $"spec.policies[{i}]";
            if (string.IsNullOrEmpty(policy.Name) || !PolicyName().IsMatch(policy.Name))
            {
                errors.Add(new($"{path}.name", $"\"{policy.Name}\" must be lowercase letters, digits and '-', at most 63 characters"));
            }
            else if (!names.Add(policy.Name))
            {
                errors.Add(new($"{path}.name", $"duplicate policy name \"{policy.Name}\""));
            }
            CheckPaths(policy.Allow, $"{path}.allow", errors);
            CheckPaths(policy.Deny, $"{path}.deny", errors);
            for (var j = 0; j < (policy.Identities?.Count ?? 0); j++)
            {
                if (!Identity().IsMatch(policy.Identities![j]))
                {
                    errors.Add(new($"{path}.identities[{j}]", "must be a lowercase hex SHA-256 (64 characters)"));
                }
            }
        }

        if (spec.RootKeySecretRef is { } root)
        {
            SpecChecks.Name(root.Name, "spec.rootKeySecretRef.name", errors);
            if (string.IsNullOrEmpty(root.Key))
            {
                errors.Add(new("spec.rootKeySecretRef.key", "required"));
            }
        }
        return errors;
    }

    private static void CheckPaths(List<string>? paths, string path, List<ValidationError> errors)
    {
        for (var i = 0; i < (paths?.Count ?? 0); i++)
        {
            if (!paths![i].StartsWith("/v1/", StringComparison.Ordinal))
            {
                errors.Add(new($"{path}[{i}]", $"\"{paths[i]}\" must be an API path glob starting with /v1/"));
            }
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex PolicyName();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Identity();
}
