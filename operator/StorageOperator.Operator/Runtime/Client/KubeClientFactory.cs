using k8s;

namespace StorageOperator.Operator.Runtime.Client;

public static class KubeClientFactory
{
    /// <summary>Kubeconfig path when given, else $KUBECONFIG / ~/.kube/config, else in-cluster.</summary>
    public static KubernetesClientConfiguration LoadConfiguration(string? kubeconfig) =>
        kubeconfig is not null
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
            : KubernetesClientConfiguration.BuildDefaultConfig();

    public static Kubernetes Create(KubernetesClientConfiguration configuration) =>
        new(configuration, new CoreGroupPathHandler());
}
