using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Certificates issued by cert-manager from the referenced issuer.")]
public sealed class CertManagerTls
{
    [Required]
    [Description("The cert-manager Issuer or ClusterIssuer.")]
    public IssuerReference IssuerRef { get; set; } = new();

    [Description("Certificate lifetime as a Go duration (cert-manager default 2160h).")]
    [Pattern(ApiGroup.DurationPattern)]
    public string? Duration { get; set; }

    [Description("Renew this long before expiry.")]
    [Pattern(ApiGroup.DurationPattern)]
    public string? RenewBefore { get; set; }

    [Description("Private key settings passed to the Certificate.")]
    public PrivateKeySpec? PrivateKey { get; set; }
}
