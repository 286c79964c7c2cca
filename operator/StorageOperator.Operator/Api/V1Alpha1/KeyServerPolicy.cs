using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A user-defined policy in addition to the ones the operator derives for ObjectStores.")]
public sealed class KeyServerPolicy
{
    [Required]
    [Pattern(@"^[a-z0-9][a-z0-9-]{0,62}$")]
    public string Name { get; set; } = "";

    [Description("API path globs allowed, e.g. /v1/key/generate/app-*.")]
    public List<string>? Allow { get; set; }

    public List<string>? Deny { get; set; }

    [Description("Hex SHA-256 client identities bound to the policy.")]
    public List<string>? Identities { get; set; }
}
