using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("The client-facing Service.")]
public sealed class ServiceSpec
{
    [Default("ClusterIP")]
    public ServiceType? Type { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}
