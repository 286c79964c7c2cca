using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

public enum PrivateKeyAlgorithm
{
    [JsonStringEnumMemberName("RSA")] Rsa,
    [JsonStringEnumMemberName("ECDSA")] Ecdsa,
    [JsonStringEnumMemberName("Ed25519")] Ed25519,
}
