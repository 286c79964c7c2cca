namespace StorageOperator.Operator.Controllers.Probes;

public sealed record KeyServerProbeResult(bool Success, string Reason, string Message)
{
    public const string ReasonSucceeded = "PreflightSucceeded";
    public const string ReasonUnreachable = "KeyServerUnreachable";
    public const string ReasonPermissionDenied = "PermissionDenied";
    public const string ReasonFailed = "PreflightFailed";
}
