using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A PEM CA bundle in a key of a Secret or ConfigMap in the same namespace.")]
public sealed class CaBundleReference
{
    [Description("Secret (default) or ConfigMap.")]
    [Default("Secret")]
    public ReferenceKind? Kind { get; set; }

    [Required]
    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string Name { get; set; } = "";

    [Default("ca.crt")]
    public string? Key { get; set; }
}
