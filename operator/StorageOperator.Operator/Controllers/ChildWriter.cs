using k8s;
using k8s.Models;
using StorageOperator.Operator.Runtime.Apply;

namespace StorageOperator.Operator.Controllers;

/// <summary>Server-side apply for children whose static type is only known at run time.</summary>
public sealed class ChildWriter(ServerSideApply apply)
{
    public ServerSideApply Apply { get; } = apply;

    public Task ApplyAsync(IKubernetesObject<V1ObjectMeta> child, CancellationToken ct) => child switch
    {
        V1Secret o => Apply.ApplyAsync(o, ct),
        V1ConfigMap o => Apply.ApplyAsync(o, ct),
        V1Service o => Apply.ApplyAsync(o, ct),
        V1ServiceAccount o => Apply.ApplyAsync(o, ct),
        V1PodDisruptionBudget o => Apply.ApplyAsync(o, ct),
        V1StatefulSet o => Apply.ApplyAsync(o, ct),
        V1Deployment o => Apply.ApplyAsync(o, ct),
        _ => throw new NotSupportedException(child.GetType().Name),
    };
}
