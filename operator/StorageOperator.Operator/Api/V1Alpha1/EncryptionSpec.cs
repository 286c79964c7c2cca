using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Server-side encryption backed by a KeyServer.")]
public sealed class EncryptionSpec
{
    [Required]
    [Description("The KeyServer holding this store's keys.")]
    public KeyServerReference KeyServerRef { get; set; } = new();

    [Required]
    [Description("Default key name for SSE-S3 and for SSE-KMS requests without a key id.")]
    [Pattern(@"^[A-Za-z0-9_][A-Za-z0-9_-]{0,79}$")]
    public string KeyName { get; set; } = "";

    [Description("Encryption of objects written without SSE headers.")]
    public AutoEncryption? Auto { get; set; }
}
