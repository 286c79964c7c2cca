using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

public enum IssuerKind
{
    [JsonStringEnumMemberName("Issuer")] Issuer,
    [JsonStringEnumMemberName("ClusterIssuer")] ClusterIssuer,
}
