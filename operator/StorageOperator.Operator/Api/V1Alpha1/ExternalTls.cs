using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("User-supplied certificates, served by SNI, plus CA bundles to trust.")]
public sealed class ExternalTls
{
    [Required]
    [Items(1)]
    [Description("Certificate secrets; the first one is the default when SNI matches none.")]
    public List<TlsSecretReference> SecretRefs { get; set; } = [];

    [Description("CA bundles (Secret or ConfigMap keys) that clients and peers are told to trust.")]
    public List<CaBundleReference>? CaRefs { get; set; }
}
