using k8s;
using k8s.Models;

namespace StorageOperator.Operator.Resources;

/// <summary>
/// The fields of cert-manager.io/v1 Certificate the operator sets and reads. Not watched through an
/// informer: the kind may not exist, and an informer on a missing kind would hold up the whole host.
/// </summary>
[KubernetesEntity(Group = "cert-manager.io", ApiVersion = "v1", Kind = "Certificate", PluralName = "certificates")]
public sealed class CertManagerCertificate : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "cert-manager.io/v1";

    public string Kind { get; set; } = "Certificate";

    public V1ObjectMeta Metadata { get; set; } = new();

    public CertManagerCertificateSpec? Spec { get; set; }

    public CertManagerCertificateStatus? Status { get; set; }
}

public sealed class CertManagerCertificateSpec
{
    public string SecretName { get; set; } = "";

    public CertManagerIssuerRef IssuerRef { get; set; } = new();

    public string? CommonName { get; set; }

    public List<string>? DnsNames { get; set; }

    public List<string>? IpAddresses { get; set; }

    public string? Duration { get; set; }

    public string? RenewBefore { get; set; }

    public CertManagerPrivateKey? PrivateKey { get; set; }

    public List<string>? Usages { get; set; }

    public CertManagerSecretTemplate? SecretTemplate { get; set; }
}

public sealed class CertManagerIssuerRef
{
    public string Name { get; set; } = "";

    public string? Kind { get; set; }

    public string? Group { get; set; }
}

public sealed class CertManagerPrivateKey
{
    public string? Algorithm { get; set; }

    public int? Size { get; set; }

    public string? RotationPolicy { get; set; }
}

public sealed class CertManagerSecretTemplate
{
    public Dictionary<string, string>? Labels { get; set; }
}

public sealed class CertManagerCertificateStatus
{
    public List<V1Condition>? Conditions { get; set; }

    public DateTime? NotAfter { get; set; }

    public DateTime? RenewalTime { get; set; }
}
