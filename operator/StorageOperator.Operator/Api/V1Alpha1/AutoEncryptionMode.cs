using System.Text.Json.Serialization;

namespace StorageOperator.Operator.Api.V1Alpha1;

public enum AutoEncryptionMode
{
    [JsonStringEnumMemberName("Off")] Off,
    [JsonStringEnumMemberName("SSE-S3")] SseS3,
    [JsonStringEnumMemberName("SSE-KMS")] SseKms,
}
