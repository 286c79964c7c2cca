using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Objects stored in a bucket of another S3 service; encryption still happens here.")]
public sealed class S3GatewayStorage
{
    [Required]
    [Pattern(@"^https?://[^\s/]+(/.*)?$")]
    public string Endpoint { get; set; } = "";

    [Required]
    [Pattern(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    public string Bucket { get; set; } = "";

    [Description("Key prefix inside the bucket.")]
    public string? Prefix { get; set; }

    [Required]
    [Description("Secret with keys accessKey and secretKey for the upstream service.")]
    public LocalObjectReference CredentialsSecretRef { get; set; } = new();

    [Description("CA bundle for the upstream endpoint.")]
    public CaBundleReference? CaBundleRef { get; set; }
}
