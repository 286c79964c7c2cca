using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Root credentials of the store.")]
public sealed class CredentialsSpec
{
    [Description("Secret with keys accessKey and secretKey; generated when absent.")]
    public LocalObjectReference? SecretRef { get; set; }
}
