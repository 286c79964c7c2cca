using k8s;
using k8s.Models;

namespace StorageOperator.Operator.Runtime.Reconciliation;

/// <summary>
/// One reconciler per kind. Called with the latest cached object for a key, including objects being
/// deleted (deletionTimestamp set, finalizer ours): reconciles are level-based and must be idempotent.
/// </summary>
public interface IReconciler<in T> where T : IKubernetesObject<V1ObjectMeta>
{
    Task<ReconcileResult> ReconcileAsync(T resource, CancellationToken ct);
}
