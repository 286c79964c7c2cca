using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Schema.Description("How the server certificate is obtained.")]
public enum TlsMode
{
    /// <summary>The operator keeps a namespaced CA and issues and renews leaf certificates itself.</summary>
    [JsonStringEnumMemberName("SelfSignedCA")] SelfSignedCA,
    /// <summary>The operator creates cert-manager Certificate objects and consumes their secrets.</summary>
    [JsonStringEnumMemberName("CertManager")] CertManager,
    /// <summary>The user supplies certificate secrets (served by SNI) and CA bundles.</summary>
    [JsonStringEnumMemberName("External")] External,
    /// <summary>Plain HTTP. An explicit choice, never the result of a missing field.</summary>
    [JsonStringEnumMemberName("Disabled")] Disabled,
}
