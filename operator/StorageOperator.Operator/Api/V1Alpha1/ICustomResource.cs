using k8s;
using k8s.Models;

namespace StorageOperator.Operator.Api.V1Alpha1;

/// <summary>A custom resource of ours: spec plus a status carrying conditions.</summary>
public interface ICustomResource<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>, IStatus<TStatus?>
    where TStatus : class, IHasConditions, new();
