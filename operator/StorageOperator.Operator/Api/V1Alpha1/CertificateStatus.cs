using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("One certificate the operator manages or consumes.")]
public sealed class CertificateStatus
{
    [Required]
    [Description("Role of the certificate, e.g. server, client, ca.")]
    public string Name { get; set; } = "";

    public string? SecretName { get; set; }

    public List<string>? DnsNames { get; set; }

    public List<string>? IpAddresses { get; set; }

    public DateTime? NotAfter { get; set; }

    public DateTime? RenewalTime { get; set; }

    [Pattern("^[0-9a-f]{64}$")]
    public string? Sha256Fingerprint { get; set; }
}
