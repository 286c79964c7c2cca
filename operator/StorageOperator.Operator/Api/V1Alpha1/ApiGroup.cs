namespace StorageOperator.Operator.Api.V1Alpha1;

/// <summary>The one API group every kind of ours lives in.</summary>
public static class ApiGroup
{
    public const string Name = "storage.storageoperator.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Name + "/" + Version;

    /// <summary>Our finalizer; removed only after cleanup of things not owned through ownerReferences.</summary>
    public const string Finalizer = "storage.storageoperator.io/finalizer";

    /// <summary>The single field manager for every server-side apply and patch we send.</summary>
    public const string FieldManager = "storage-operator";

    /// <summary>Go duration as accepted by cert-manager and metav1.Duration (e.g. 2160h, 90m, 1h30m).</summary>
    public const string DurationPattern = @"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

    /// <summary>Kubernetes resource.Quantity (e.g. 10Gi, 500M).</summary>
    public const string QuantityPattern = @"^([+]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    /// <summary>RFC 1123 DNS subdomain, the shape of most object names.</summary>
    public const string DnsSubdomainPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
}
