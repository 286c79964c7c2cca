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

    /// <summary>
    /// A Deployment is rolled out when its controller saw the current generation, every replica runs the
    /// new template and is available, and no old pod is left. The desired count is the live one, so
    /// an HPA's choice counts when it owns the replicas.
    /// </summary>
    public static (bool Ready, string Message) Evaluate(V1Deployment? live)
    {
        if (live is null)
        {
            return (false, "Deployment not created yet.");
        }
        var desired = live.Spec?.Replicas ?? 1;
        var status = live.Status;
        if (status is null || (status.ObservedGeneration ?? 0) < (live.Metadata.Generation ?? 0))
        {
            return (false, $"Deployment {live.Metadata.Name} generation {live.Metadata.Generation} not observed yet.");
        }
        var updated = status.UpdatedReplicas ?? 0;
        var available = status.AvailableReplicas ?? 0;
        var total = status.Replicas ?? 0;
        if (updated < desired || available < desired || total > updated)
        {
            return (false, $"Deployment {live.Metadata.Name}: {available}/{desired} available, {updated}/{desired} updated, {total - updated} old.");
        }
        return (true, $"Deployment {live.Metadata.Name}: {available}/{desired} available.");
    }
}
