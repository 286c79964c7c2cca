using k8s;
using k8s.Models;

namespace StorageOperator.Operator.Runtime.Client;

/// <summary>namespace/name of an object: the only thing a work item carries (reconciles are level-based).</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj) => new(obj.Metadata.NamespaceProperty, obj.Metadata.Name);

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
