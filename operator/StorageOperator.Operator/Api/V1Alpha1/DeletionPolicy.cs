using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

public enum DeletionPolicy
{
    [JsonStringEnumMemberName("Retain")] Retain,
    [JsonStringEnumMemberName("Delete")] Delete,
}
