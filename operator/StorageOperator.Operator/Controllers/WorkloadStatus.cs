using k8s.Models;

namespace StorageOperator.Operator.Controllers;

/// <summary>Pure reading of a StatefulSet's rollout state from its status (written by the real controller, or a test).</summary>
public static class WorkloadStatus
{
    public static (bool Ready, string Message) Evaluate(V1StatefulSet? live)
    {
        if (live is null)
        {
            return (false, "StatefulSet not created yet.");
        }
        var desired = live.Spec?.Replicas ?? 1;
        var status = live.Status;
        if (status is null || (status.ObservedGeneration ?? 0) < (live.Metadata.Generation ?? 0))
        {
            return (false, $"StatefulSet {live.Metadata.Name} generation {live.Metadata.Generation} not observed yet.");
        }
        var ready = status.ReadyReplicas ?? 0;
        var updated = status.UpdatedReplicas ?? 0;
        if (ready < desired || updated < desired || (status.UpdateRevision is not null && status.CurrentRevision != status.UpdateRevision))
        {
            return (false, $"StatefulSet {live.Metadata.Name}: {ready}/{desired} ready, {updated}/{desired} updated.");
        }
        return (true, $"StatefulSet {live.Metadata.Name}: {ready}/{desired} ready.");
    }
}
