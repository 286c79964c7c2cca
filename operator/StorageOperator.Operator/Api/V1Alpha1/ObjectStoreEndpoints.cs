using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("What clients should use.")]
public sealed class ObjectStoreEndpoints
{
    [Description("S3 API URL.")]
    public string? S3 { get; set; }

    [Description("Console URL, when one is served.")]
    public string? Console { get; set; }
}
