using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

/// <summary>
/// cert-manager's private key rotation policy. Spelled out because cert-manager 1.18 changed the
/// default to Always, which changes the key-server identity hash of every renewed client certificate.
/// </summary>
public enum RotationPolicy
{
    [JsonStringEnumMemberName("Never")] Never,
    [JsonStringEnumMemberName("Always")] Always,
}
