using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A KeyServer, by default in the ObjectStore's namespace.")]
public sealed class KeyServerReference
{
    [Required]
    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string Name { get; set; } = "";

    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string? Namespace { get; set; }
}
