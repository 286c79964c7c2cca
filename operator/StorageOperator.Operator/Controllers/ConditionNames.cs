namespace StorageOperator.Operator.Controllers;

/// <summary>Domain condition types and the reasons the reconcilers write (the contract users script against).</summary>
public static class ConditionNames
{
    public const string TlsReady = "TLSReady";
    public const string KeyServerReady = "KeyServerReady";
    public const string EncryptionReady = "EncryptionReady";

    /// <summary>Gateway mode: the backend answers with the store's credentials (reasons in <see cref="Probes.BackendProbeResult"/>).</summary>
    public const string BackendReachable = "BackendReachable";

    public const string ReasonAllComponentsReady = "AllComponentsReady";
    public const string ReasonReconcileComplete = "ReconcileComplete";
    public const string ReasonRollingOut = "RollingOut";
    public const string ReasonWaitingForDependencies = "WaitingForDependencies";
    public const string ReasonAsExpected = "AsExpected";
    public const string ReasonComponentFailing = "ComponentFailing";

    public const string ReasonTlsNotReady = "TLSNotReady";
    public const string ReasonCredentialsNotFound = "CredentialsNotFound";
    public const string ReasonRootKeyNotFound = "RootKeyNotFound";
    public const string ReasonWorkloadNotReady = "WorkloadNotReady";

    public const string ReasonNotConfigured = "NotConfigured";
    public const string ReasonKeyServerNotFound = "KeyServerNotFound";
    public const string ReasonKeyServerNotReady = "KeyServerNotReady";
    public const string ReasonIdentityPending = "IdentityPending";
    public const string ReasonIdentityAdmitted = "IdentityAdmitted";
    public const string ReasonEncryptionNotReady = "EncryptionNotReady";
    public const string ReasonPolicyPropagating = "PolicyPropagating";
}
