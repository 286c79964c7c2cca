using k8s.Models;

namespace StorageOperator.Operator.Resources;

/// <summary>Pieces both kinds' workloads share: Services, ServiceAccount, PodDisruptionBudget.</summary>
public static class Workloads
{
    public static V1ServiceAccount ServiceAccount(string name, string ns, IDictionary<string, string> labels) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) },
        // Neither server talks to the Kubernetes API.
        AutomountServiceAccountToken = false,
    };

    public static V1Service Headless(string name, string ns, IDictionary<string, string> labels, IDictionary<string, string> selector, string portName, int port) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = Names.HeadlessService(name), NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) },
        Spec = new V1ServiceSpec
        {
            ClusterIP = "None",
            PublishNotReadyAddresses = true,
            Selector = new Dictionary<string, string>(selector),
            Ports = [new V1ServicePort { Name = portName, Port = port, TargetPort = port, Protocol = "TCP" }],
        },
    };

    public static V1Service Client(string name, string ns, IDictionary<string, string> labels, IDictionary<string, string> selector, string portName, int port, string type, IDictionary<string, string>? annotations) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string>(labels),
            Annotations = annotations is { Count: > 0 } ? new Dictionary<string, string>(annotations) : null,
        },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = new Dictionary<string, string>(selector),
            Ports = [new V1ServicePort { Name = portName, Port = port, TargetPort = port, Protocol = "TCP" }],
        },
    };

    public static V1PodDisruptionBudget DisruptionBudget(string name, string ns, IDictionary<string, string> labels, IDictionary<string, string> selector) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) },
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(selector) },
        },
    };

    public static V1PersistentVolumeClaim ClaimTemplate(string size, string? storageClass, IList<string>? accessModes, IDictionary<string, string> labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = Names.DataVolume, Labels = new Dictionary<string, string>(labels) },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = accessModes is { Count: > 0 } ? [.. accessModes] : ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(size) } },
        },
    };

    public static V1Probe HttpProbe(string path, int port, bool tls, int period) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port, Scheme = tls ? "HTTPS" : "HTTP" },
        PeriodSeconds = period,
        TimeoutSeconds = 5,
        FailureThreshold = 3,
    };
}
