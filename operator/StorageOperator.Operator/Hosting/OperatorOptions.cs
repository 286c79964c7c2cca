namespace StorageOperator.Operator.Hosting;

/// <summary>Options of <c>storage-operator run</c>.</summary>
public sealed record OperatorOptions
{
    /// <summary>Kubeconfig file; $KUBECONFIG, ~/.kube/config or in-cluster when null.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Watch only this namespace; all when null.</summary>
    public string? Namespace { get; init; }

    public bool LeaderElect { get; init; }

    /// <summary>Namespace of the leader Lease; --namespace, $POD_NAMESPACE or "default".</summary>
    public string? LeaderElectionNamespace { get; init; }

    /// <summary>host:port serving /metrics, /healthz and /readyz; port 0 picks a free port.</summary>
    public string MetricsAddress { get; init; } = "127.0.0.1:8080";

    public int Workers { get; init; } = 2;
}
