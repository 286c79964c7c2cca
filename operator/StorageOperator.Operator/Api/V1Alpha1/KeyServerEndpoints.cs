using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("What clients should use.")]
public sealed class KeyServerEndpoints
{
    [Description("Key server API URL.")]
    public string? Api { get; set; }
}
