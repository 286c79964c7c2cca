using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

public enum ReferenceKind
{
    [JsonStringEnumMemberName("Secret")] Secret,
    [JsonStringEnumMemberName("ConfigMap")] ConfigMap,
}
