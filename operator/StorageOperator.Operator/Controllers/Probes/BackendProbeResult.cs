namespace StorageOperator.Operator.Controllers.Probes;

/// <summary>The BackendReachable condition's status and reason, and a message without secrets.</summary>
public sealed record BackendProbeResult(bool Success, string Reason, string Message)
{
    public const string ReasonReachable = "BackendReachable";
    public const string ReasonUnreachable = "BackendUnreachable";
    public const string ReasonAuthFailed = "BackendAuthFailed";
    public const string ReasonBucketMissing = "BackendBucketMissing";

    /// <summary>The backend answered, but not as S3 does (a proxy, a wrong port).</summary>
    public const string ReasonError = "BackendError";

    /// <summary>Found before probing: the credentials Secret or its keys are missing.</summary>
    public const string ReasonCredentialsNotFound = "BackendCredentialsNotFound";

    /// <summary>Found before probing: the caBundleRef is missing or holds no certificate.</summary>
    public const string ReasonCaBundleInvalid = "BackendCABundleInvalid";
}
