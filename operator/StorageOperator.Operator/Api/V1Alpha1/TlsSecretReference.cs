using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A secret holding a certificate and key; key names default to cert-manager's layout.")]
public sealed class TlsSecretReference
{
    [Required]
    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string Name { get; set; } = "";

    [Default("tls.crt")]
    public string? CertKey { get; set; }

    [Default("tls.key")]
    public string? KeyKey { get; set; }
}
