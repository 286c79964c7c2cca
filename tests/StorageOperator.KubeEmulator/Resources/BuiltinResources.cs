namespace StorageOperator.KubeEmulator.Resources;

/// <summary>The built-in resources the emulator serves.</summary>
public static class BuiltinResources
{
    private static readonly PrinterColumn Age = new("Age", "date", ".metadata.creationTimestamp");

    public static IReadOnlyList<ResourceDefinition> All { get; } =
    [
        Core("namespaces", "Namespace", false, ["ns"], status: true, columns: [new("Status", "string", ".status.phase"), Age]),
        Core("secrets", "Secret", true, [], columns: [new("Type", "string", ".type"), new("Data", "count", ".data"), Age]),
        Core("configmaps", "ConfigMap", true, ["cm"], columns: [new("Data", "count", ".data"), Age]),
        Core("services", "Service", true, ["svc"], status: true, categories: ["all"],
            columns: [new("Type", "string", ".spec.type"), new("Cluster-IP", "string", ".spec.clusterIP"), Age]),
        Core("serviceaccounts", "ServiceAccount", true, ["sa"]),
        Core("persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"], status: true,
            columns: [new("Status", "string", ".status.phase"), Age]),
        Core("events", "Event", true, ["ev"], columns: [new("Type", "string", ".type"), new("Reason", "string", ".reason"), new("Message", "string", ".message"), Age]),
        Core("pods", "Pod", true, ["po"], status: true, categories: ["all"], columns: [new("Status", "string", ".status.phase"), Age]),
        Make("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"], true, ["all"],
            [new("Ready", "integer", ".status.readyReplicas"), new("Replicas", "integer", ".spec.replicas"), Age]),
        Make("apps", "v1", "deployments", "Deployment", true, ["deploy"], true, ["all"],
            [new("Ready", "integer", ".status.readyReplicas"), new("Replicas", "integer", ".spec.replicas"), Age]),
        Make("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"], true, [], [new("Min Available", "string", ".spec.minAvailable"), Age]),
        Make("coordination.k8s.io", "v1", "leases", "Lease", true, [], false, [], [new("Holder", "string", ".spec.holderIdentity"), Age]),
        Make("events.k8s.io", "v1", "events", "Event", true, ["ev"], false, [], [new("Reason", "string", ".reason"), Age]),
        Make("rbac.authorization.k8s.io", "v1", "roles", "Role", true, [], false, [], [Age]),
        Make("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, [], false, [], [Age]),
        Make("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, [], false, [], [Age]),
        Make("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, [], false, [], [Age]),
        Make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"], true, [],
            [new("Created At", "string", ".metadata.creationTimestamp")]),
    ];

    public static bool IsCrd(ResourceDefinition d) => d.Group == "apiextensions.k8s.io" && d.Plural == "customresourcedefinitions";

    public static bool IsNamespace(ResourceDefinition d) => d.Group.Length == 0 && d.Plural == "namespaces";

    private static ResourceDefinition Core(string plural, string kind, bool namespaced, string[] shortNames,
        bool status = false, string[]? categories = null, PrinterColumn[]? columns = null) =>
        Make("", "v1", plural, kind, namespaced, shortNames, status, categories ?? [], columns ?? [Age]);

    private static ResourceDefinition Make(string group, string version, string plural, string kind, bool namespaced,
        string[] shortNames, bool status, string[] categories, PrinterColumn[] columns) =>
        new(group, version, plural, kind.ToLowerInvariant(), kind, namespaced, shortNames, categories, status, columns);
}
