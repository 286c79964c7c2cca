using System.Net;
using System.Text.RegularExpressions;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Validation;

/// <summary>
/// Checks shared by both kinds. Every check appends and carries on: the user sees all problems at
/// once (YARP's ConfigValidator rule), not one per apply.
/// </summary>
public static partial class SpecChecks
{
    public static void Tls(TlsSpec? tls, string path, List<ValidationError> errors, bool allowDisabled)
    {
        if (tls is null)
        {
            return;
        }
        var mode = tls.Mode ?? TlsMode.SelfSignedCA;
        if (!Enum.IsDefined(mode))
        {
            errors.Add(new($"{path}.mode", "must be one of SelfSignedCA, CertManager, External, Disabled"));
            return;
        }
        if (mode == TlsMode.Disabled && !allowDisabled)
        {
            errors.Add(new($"{path}.mode", "Disabled is not allowed: clients authenticate with certificates"));
        }
        OnlyWithMode(tls.SelfSignedCA, TlsMode.SelfSignedCA, "selfSignedCA");
        OnlyWithMode(tls.CertManager, TlsMode.CertManager, "certManager");
        OnlyWithMode(tls.External, TlsMode.External, "external");

        if (tls.SelfSignedCA is { } self)
        {
            Lifetime(self.Duration, self.RenewBefore, $"{path}.selfSignedCA", errors);
            for (var i = 0; i < (self.ExtraDnsNames?.Count ?? 0); i++)
            {
                if (!DnsName().IsMatch(self.ExtraDnsNames![i]))
                {
                    errors.Add(new($"{path}.selfSignedCA.extraDNSNames[{i}]", $"\"{self.ExtraDnsNames[i]}\" is not a DNS name"));
                }
            }
            for (var i = 0; i < (self.ExtraIps?.Count ?? 0); i++)
            {
                if (!IPAddress.TryParse(self.ExtraIps![i], out _))
                {
                    errors.Add(new($"{path}.selfSignedCA.extraIPs[{i}]", $"\"{self.ExtraIps[i]}\" is not an IP address"));
                }
            }
        }

        if (mode == TlsMode.CertManager && tls.CertManager is null)
        {
            errors.Add(new($"{path}.certManager", "required when mode is CertManager"));
        }
        if (tls.CertManager is { } cm)
        {
            Name(cm.IssuerRef?.Name, $"{path}.certManager.issuerRef.name", errors);
            Lifetime(cm.Duration, cm.RenewBefore, $"{path}.certManager", errors);
            if (cm.Duration is not null && GoDuration.TryParse(cm.Duration, out var d) && d < TimeSpan.FromHours(1))
            {
                errors.Add(new($"{path}.certManager.duration", "cert-manager requires at least 1h"));
            }
            if (cm.PrivateKey is { Size: int size } key)
            {
                var ok = (key.Algorithm ?? PrivateKeyAlgorithm.Ecdsa) switch
                {
                    PrivateKeyAlgorithm.Rsa => size is >= 2048 and <= 8192,
                    PrivateKeyAlgorithm.Ecdsa => size is 256 or 384 or 521,
                    _ => true,
                };
                if (!ok)
                {
                    errors.Add(new($"{path}.certManager.privateKey.size", $"{size} is not valid for {key.Algorithm ?? PrivateKeyAlgorithm.Ecdsa}"));
                }
            }
        }

        if (mode == TlsMode.External && (tls.External?.SecretRefs is null || tls.External.SecretRefs.Count == 0))
        {
            errors.Add(new($"{path}.external.secretRefs", "at least one certificate secret is required when mode is External"));
        }
        if (tls.External is { } ext)
        {
            for (var i = 0; i < (ext.SecretRefs?.Count ?? 0); i++)
            {
                Name(ext.SecretRefs![i].Name, $"{path}.external.secretRefs[{i}].name", errors);
            }
            for (var i = 0; i < (ext.CaRefs?.Count ?? 0); i++)
            {
                Name(ext.CaRefs![i].Name, $"{path}.external.caRefs[{i}].name", errors);
            }
        }

        void OnlyWithMode(object? section, TlsMode owner, string field)
        {
            if (section is not null && mode != owner)
            {
                errors.Add(new($"{path}.{field}", $"only valid when mode is {owner} (mode is {mode})"));
            }
        }
    }

    public static void Lifetime(string? duration, string? renewBefore, string path, List<ValidationError> errors)
    {
        TimeSpan lifetime = default, renew = default;
        var hasLifetime = duration is not null && GoDuration.TryParse(duration, out lifetime);
        var hasRenew = renewBefore is not null && GoDuration.TryParse(renewBefore, out renew);
        if (duration is not null && !hasLifetime)
        {
            errors.Add(new($"{path}.duration", $"\"{duration}\" is not a duration like 2160h"));
        }
        if (renewBefore is not null && !hasRenew)
        {
            errors.Add(new($"{path}.renewBefore", $"\"{renewBefore}\" is not a duration like 720h"));
        }
        if (hasLifetime && hasRenew && renew >= lifetime)
        {
            errors.Add(new($"{path}.renewBefore", "must be shorter than duration"));
        }
    }

    public static void Name(string? name, string path, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new(path, "required"));
        }
        else if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            errors.Add(new(path, $"\"{name}\" is not a valid object name"));
        }
    }

    public static void Quantity(string? value, string path, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new(path, "required"));
            return;
        }
        try
        {
            if (new ResourceQuantity(value).ToDecimal() <= 0)
            {
                errors.Add(new(path, "must be greater than zero"));
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            errors.Add(new(path, $"\"{value}\" is not a quantity like 10Gi"));
        }
    }

    public static void Replicas(int? replicas, int max, string path, List<ValidationError> errors)
    {
        if (replicas is < 1 || replicas > max)
        {
            errors.Add(new(path, $"must be between 1 and {max}"));
        }
    }

    /// <summary>
    /// StatefulSet pods get a controller-revision-hash label of name + "-" + 10 characters, and labels
    /// are limited to 63 characters.
    /// </summary>
    public static void WorkloadName(string? name, List<ValidationError> errors)
    {
        if (name is { Length: > 52 })
        {
            errors.Add(new("metadata.name", "must be at most 52 characters (it names a StatefulSet)"));
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$")]
    private static partial Regex DnsName();
}
