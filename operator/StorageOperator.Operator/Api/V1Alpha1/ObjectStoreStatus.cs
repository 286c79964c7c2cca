using k8s.Models;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class ObjectStoreStatus : IHasConditions
{
    public long? ObservedGeneration { get; set; }

    [Description("Summary of the Ready condition: Pending, Progressing, Ready, Failed or Deleting.")]
    public string? Phase { get; set; }

    [ListMap("type")]
    public List<V1Condition>? Conditions { get; set; }

    public ObjectStoreEndpoints? Endpoints { get; set; }

    public List<CertificateStatus>? Certificates { get; set; }

    [Description("Key-server identity of this store's client certificate (hex SHA-256 of its public key).")]
    [Pattern("^[0-9a-f]{64}$")]
    public string? KeyServerIdentity { get; set; }

    [Description("Secret with endpoint, CA bundle and credentials for clients such as backup jobs.")]
    public string? ClientSecretName { get; set; }
}
