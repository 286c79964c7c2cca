using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class IssuerReference
{
    [Required]
    [Description("Name of the issuer.")]
    [Length(1, 253)]
    public string Name { get; set; } = "";

    [Description("Issuer (namespaced, default) or ClusterIssuer.")]
    [Default("Issuer")]
    public IssuerKind? Kind { get; set; }

    [Description("API group of the issuer.")]
    [Default("cert-manager.io")]
    public string? Group { get; set; }
}
