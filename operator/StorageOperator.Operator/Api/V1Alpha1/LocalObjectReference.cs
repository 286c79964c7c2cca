using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("An object in the same namespace.")]
public sealed class LocalObjectReference
{
    [Required]
    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string Name { get; set; } = "";
}
