namespace StorageOperator.Operator.Runtime.Reconciliation;

public enum ReconcileOutcome
{
    /// <summary>Converged; forget the key's backoff and wait for the next event.</summary>
    Done,
    /// <summary>Converged for now; look again after a fixed delay (polling, certificate renewal).</summary>
    RequeueAfter,
    /// <summary>Not converged; retry with the key's exponential backoff.</summary>
    Retry,
    /// <summary>Cannot converge until the object changes (invalid spec); never retried.</summary>
    Terminal,
}
