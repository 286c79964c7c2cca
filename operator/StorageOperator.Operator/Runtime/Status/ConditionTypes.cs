namespace StorageOperator.Operator.Runtime.Status;

/// <summary>Standard condition types and the reasons the runtime itself uses.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";

    public const string ReasonInvalidSpec = "InvalidSpec";
    public const string ReasonReconcilePending = "ReconcilePending";
}
