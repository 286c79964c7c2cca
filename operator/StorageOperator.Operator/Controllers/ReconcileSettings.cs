namespace StorageOperator.Operator.Controllers;

/// <summary>Operator-wide knobs of the reconcilers that the CRDs do not carry.</summary>
public sealed record ReconcileSettings
{
    public const string StorageServerImageVariable = "STORAGE_OPERATOR_STORAGE_SERVER_IMAGE";
    public const string KeyServerImageVariable = "STORAGE_OPERATOR_KEY_SERVER_IMAGE";

    public string StorageServerImage { get; init; } = "ghcr.io/storage-operator/storage-server:0.1.0";

    public string KeyServerImage { get; init; } = "ghcr.io/storage-operator/key-server:0.1.0";

    /// <summary>Suffix of Service DNS names put into certificates.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>Lifetime of the per-namespace CA; it rolls over at two thirds of it.</summary>
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(5 * 365);

    /// <summary>
    /// How long a new CA sits in the published bundles before leaves are signed by it: long enough for
    /// the kubelet to refresh every mounted bundle (about a minute) and the servers to reload it.
    /// </summary>
    public TimeSpan CaRolloverGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Leaf lifetime when the spec sets none.</summary>
    public TimeSpan DefaultLeafValidity { get; init; } = TimeSpan.FromHours(2160);

    /// <summary>Re-check interval while waiting on something outside our control (pods, cert-manager, key server).</summary>
    public TimeSpan PendingRequeue { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long after an identity is admitted a denied preflight is still expected (kubelet refresh of
    /// the mounted config plus the key server's reload) and reported as waiting rather than Degraded.
    /// </summary>
    public TimeSpan PolicyPropagation { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Gateway mode: how often a ready store's backend is probed again for BackendReachable.</summary>
    public TimeSpan BackendProbeInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Upper bound for time-driven requeues (renewal), so a skewed clock heals.</summary>
    public TimeSpan MaxRequeue { get; init; } = TimeSpan.FromHours(1);

    public static ReconcileSettings FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var settings = new ReconcileSettings();
        if (environment(StorageServerImageVariable) is { Length: > 0 } storage)
        {
            settings = settings with { StorageServerImage = storage };
        }
        if (environment(KeyServerImageVariable) is { Length: > 0 } keys)
        {
            settings = settings with { KeyServerImage = keys };
        }
        return settings;
    }
}
