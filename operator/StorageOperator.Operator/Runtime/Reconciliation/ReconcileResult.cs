namespace StorageOperator.Operator.Runtime.Reconciliation;

/// <summary>
/// What a reconcile asks of the queue (controller-runtime's Result + TerminalError as one value).
/// An exception from a reconcile counts as <see cref="Retry"/>, a
/// <see cref="TerminalReconcileException"/> as <see cref="Terminal"/>: nothing is logged and dropped.
/// </summary>
public sealed record ReconcileResult
{
    private ReconcileResult(ReconcileOutcome outcome, TimeSpan delay, string? reason)
    {
        Outcome = outcome;
        Delay = delay;
        Reason = reason;
    }

    public ReconcileOutcome Outcome { get; }

    /// <summary>Delay for <see cref="ReconcileOutcome.RequeueAfter"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Why a retry or terminal result was returned (for logs and metrics, never secrets).</summary>
    public string? Reason { get; }

    public static ReconcileResult Done { get; } = new(ReconcileOutcome.Done, TimeSpan.Zero, null);

    public static ReconcileResult RequeueAfter(TimeSpan delay) =>
        delay > TimeSpan.Zero
            ? new(ReconcileOutcome.RequeueAfter, delay, null)
            : throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be positive");

    public static ReconcileResult Retry(string reason) => new(ReconcileOutcome.Retry, TimeSpan.Zero, reason);

    public static ReconcileResult Terminal(string reason) => new(ReconcileOutcome.Terminal, TimeSpan.Zero, reason);

    /// <summary>Metric label.</summary>
    public string Label => Outcome switch
    {
        ReconcileOutcome.Done => "done",
        ReconcileOutcome.RequeueAfter => "requeue_after",
        ReconcileOutcome.Retry => "retry",
        ReconcileOutcome.Terminal => "terminal",
        _ => throw new InvalidOperationException(),
    };
}
