using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Encryption applied to objects written without SSE headers.")]
public sealed class AutoEncryption
{
    [Description("Off (default), SSE-S3 or SSE-KMS.")]
    [Default("Off")]
    public AutoEncryptionMode? Mode { get; set; }

    [Description("Reject PUTs that would store an object unencrypted.")]
    [Default(false)]
    public bool? Enforce { get; set; }
}
