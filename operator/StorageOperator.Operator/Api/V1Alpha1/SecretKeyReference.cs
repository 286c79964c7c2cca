using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("One key of a Secret in the same namespace.")]
public sealed class SecretKeyReference
{
    [Required]
    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string Name { get; set; } = "";

    [Required]
    [Length(1, 253)]
    public string Key { get; set; } = "";
}
