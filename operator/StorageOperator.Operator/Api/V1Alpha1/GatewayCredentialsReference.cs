using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A Secret in the same namespace with the backend's access key and secret key.")]
public sealed class GatewayCredentialsReference
{
    [Required]
    [Pattern(ApiGroup.DnsSubdomainPattern)]
    public string Name { get; set; } = "";

    [Description("Key of the access key in the Secret.")]
    [Default("accessKey")]
    [Pattern(SecretKeyPattern)]
    public string? AccessKeyKey { get; set; }

    [Description("Key of the secret key in the Secret.")]
    [Default("secretKey")]
    [Pattern(SecretKeyPattern)]
    public string? SecretKeyKey { get; set; }

    /// <summary>What Kubernetes allows as a Secret data key.</summary>
    public const string SecretKeyPattern = @"^[-._a-zA-Z0-9]+$";
}
