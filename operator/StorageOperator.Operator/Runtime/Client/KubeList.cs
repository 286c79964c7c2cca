using k8s;
using k8s.Models;

namespace StorageOperator.Operator.Runtime.Client;

/// <summary>A list response of any kind.</summary>
public sealed class KubeList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "List";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<T> Items { get; set; } = [];
}
