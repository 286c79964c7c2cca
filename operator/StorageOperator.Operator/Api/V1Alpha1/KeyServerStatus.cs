using k8s.Models;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class KeyServerStatus : IHasConditions
{
    public long? ObservedGeneration { get; set; }

    public string? Phase { get; set; }

    [ListMap("type")]
    public List<V1Condition>? Conditions { get; set; }

    public KeyServerEndpoints? Endpoints { get; set; }

    public List<CertificateStatus>? Certificates { get; set; }

    public List<IdentityStatus>? Identities { get; set; }
}
