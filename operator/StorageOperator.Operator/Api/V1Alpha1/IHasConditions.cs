using k8s.Models;

namespace StorageOperator.Operator.Api.V1Alpha1;

/// <summary>The status fields every kind of ours shares, so the runtime can write them generically.</summary>
public interface IHasConditions
{
    long? ObservedGeneration { get; set; }

    string? Phase { get; set; }

    List<V1Condition>? Conditions { get; set; }
}
