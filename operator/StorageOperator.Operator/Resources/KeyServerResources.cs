using System.Text;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Runtime.Apply;

namespace StorageOperator.Operator.Resources;

/// <summary>Pure builders of a KeyServer's children.</summary>
public static class KeyServerResources
{
    public const string PortName = "kes";

    public static Dictionary<string, string> LabelsOf(KeyServer server) => Labels.For(Labels.KeyServerApp, server.Metadata.Name, "key-server");

    public static Dictionary<string, string> SelectorOf(KeyServer server) => Labels.Selector(Labels.KeyServerApp, server.Metadata.Name);

    public static string Endpoint(string name, string ns) => $"https://{name}.{ns}.svc:{KeyServerConfigYaml.Port}";

    /// <summary>The root key the fs keystore seals keys with: the user's Secret key, or ours.</summary>
    public static (string Secret, string Key) RootKey(KeyServer server) =>
        server.Spec.RootKeySecretRef is { } reference
            ? (reference.Name, reference.Key)
            : (Names.RootKeySecret(server.Metadata.Name), "root.key");

    public static V1ConfigMap Config(KeyServer server, string yaml)
    {
        var map = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = Names.KeyServerConfig(server.Metadata.Name), NamespaceProperty = server.Metadata.NamespaceProperty, Labels = LabelsOf(server) },
            Data = new Dictionary<string, string> { ["config.yaml"] = yaml },
        };
        ServerSideApply.SetController(map, server);
        return map;
    }

    /// <summary>
    /// Deliberately without an owner reference: deleting the KeyServer must not delete the only key
    /// that can unseal the keys on its volumes (keys are never deleted by the operator).
    /// </summary>
    public static V1Secret GeneratedRootKey(KeyServer server, byte[] key) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = Names.RootKeySecret(server.Metadata.Name), NamespaceProperty = server.Metadata.NamespaceProperty, Labels = LabelsOf(server) },
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { ["root.key"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(key)) },
    };

    public static V1StatefulSet StatefulSet(KeyServer server, string image, TlsOutcome tls, string configHash)
    {
        var spec = server.Spec;
        var name = server.Metadata.Name;
        var labels = LabelsOf(server);
        var served = tls.Served.FirstOrDefault() ?? new ServedCertificate(Names.ServerTlsSecret(name), "tls.crt", "tls.key", null);
        var sources = new List<V1VolumeProjection>
        {
            new() { ConfigMap = new V1ConfigMapProjection { Name = Names.KeyServerConfig(name), Items = [K8s.Item("config.yaml", "config.yaml")] } },
            new() { Secret = new V1SecretProjection { Name = served.SecretName, Items = [K8s.Item(served.CertKey, "tls/public.crt"), K8s.Item(served.KeyKey, "tls/private.key")] } },
        };
        if (spec.Keystore.Fs is not null)
        {
            var (secret, key) = RootKey(server);
            sources.Add(new() { Secret = new V1SecretProjection { Name = secret, Items = [K8s.Item(key, "root/root.key")] } });
        }
        var volumes = new List<V1Volume>
        {
            new() { Name = "config", Projected = new V1ProjectedVolumeSource { Sources = sources, DefaultMode = 0x120 } },
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        };
        if (spec.Keystore.Fs is null)
        {
            volumes.Add(new() { Name = Names.DataVolume, EmptyDir = new V1EmptyDirVolumeSource() });
        }

        var container = new V1Container
        {
            Name = "key-server",
            Image = image,
            Args = ["server", "--config", KeyServerConfigYaml.ConfigFile],
            Ports = [new V1ContainerPort { Name = PortName, ContainerPort = KeyServerConfigYaml.Port, Protocol = "TCP" }],
            VolumeMounts =
            [
                K8s.Mount("config", KeyServerConfigYaml.Directory, true),
                K8s.Mount(Names.DataVolume, "/data"),
                K8s.Mount("tmp", "/tmp"),
            ],
            Resources = spec.Resources,
            SecurityContext = PodSecurity.Container(),
            LivenessProbe = Workloads.HttpProbe("/v1/ready", KeyServerConfigYaml.Port, true, 10),
            ReadinessProbe = Workloads.HttpProbe("/v1/ready", KeyServerConfigYaml.Port, true, 5),
        };
        var statefulSet = new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = server.Metadata.NamespaceProperty, Labels = labels },
            Spec = new V1StatefulSetSpec
            {
                Replicas = spec.Replicas ?? 1,
                ServiceName = Names.HeadlessService(name),
                PodManagementPolicy = "Parallel",
                Selector = new V1LabelSelector { MatchLabels = SelectorOf(server) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = new Dictionary<string, string> { [Labels.ConfigHashAnnotation] = configHash } },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = name,
                        AutomountServiceAccountToken = false,
                        SecurityContext = PodSecurity.Pod(),
                        Containers = [container],
                        Volumes = volumes,
                        NodeSelector = spec.NodeSelector,
                        Tolerations = spec.Tolerations,
                        Affinity = spec.Affinity,
                    },
                },
                VolumeClaimTemplates = spec.Keystore.Fs is { } fs
                    ? [Workloads.ClaimTemplate(fs.Size, fs.StorageClassName, null, labels)]
                    : null,
            },
        };
        ServerSideApply.SetController(statefulSet, server);
        return statefulSet;
    }

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Supporting(KeyServer server)
    {
        var name = server.Metadata.Name;
        var ns = server.Metadata.NamespaceProperty;
        var labels = LabelsOf(server);
        var selector = SelectorOf(server);
        IKubernetesObject<V1ObjectMeta>[] objects =
        [
            Workloads.ServiceAccount(name, ns, labels),
            Workloads.Headless(name, ns, labels, selector, PortName, KeyServerConfigYaml.Port),
            Workloads.Client(name, ns, labels, selector, PortName, KeyServerConfigYaml.Port, "ClusterIP", null),
            Workloads.DisruptionBudget(name, ns, labels, selector),
        ];
        foreach (var o in objects)
        {
            ServerSideApply.SetController(o, server);
        }
        return objects;
    }
}
