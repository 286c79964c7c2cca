using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

public enum ServiceType
{
    [JsonStringEnumMemberName("ClusterIP")] ClusterIP,
    [JsonStringEnumMemberName("NodePort")] NodePort,
    [JsonStringEnumMemberName("LoadBalancer")] LoadBalancer,
}
