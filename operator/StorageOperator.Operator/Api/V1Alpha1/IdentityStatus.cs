using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A client identity admitted by the key server.")]
public sealed class IdentityStatus
{
    [Required]
    [Description("The ObjectStore as namespace/name.")]
    public string ObjectStore { get; set; } = "";

    [Required]
    [Description("Hex SHA-256 of the client certificate's SubjectPublicKeyInfo.")]
    [Pattern("^[0-9a-f]{64}$")]
    public string Identity { get; set; } = "";

    [Description("The policy the identity is bound to.")]
    public string? Policy { get; set; }

    [Description("When the operator wrote the identity into the key server's config; pods pick it up within the kubelet's sync period.")]
    public DateTime? AdmittedAt { get; set; }
}
