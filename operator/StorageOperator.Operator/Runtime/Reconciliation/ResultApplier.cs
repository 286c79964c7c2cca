using StorageOperator.Operator.Runtime.Queues;

namespace StorageOperator.Operator.Runtime.Reconciliation;

/// <summary>The one place that turns a reconcile outcome into queue operations.</summary>
public static class ResultApplier
{
    public static void Apply<TKey>(WorkQueue<TKey> queue, TKey key, ReconcileResult result) where TKey : notnull
    {
        switch (result.Outcome)
        {
            case ReconcileOutcome.Done:
            case ReconcileOutcome.Terminal:
                queue.Forget(key);
                break;
            case ReconcileOutcome.RequeueAfter:
                queue.Forget(key);
                queue.AddAfter(key, result.Delay);
                break;
            case ReconcileOutcome.Retry:
                queue.AddRateLimited(key);
                break;
            default:
                throw new InvalidOperationException($"unknown outcome {result.Outcome}");
        }
    }

    /// <summary>Maps what a reconcile threw to a result: terminal stays terminal, anything else retries.</summary>
    public static ReconcileResult FromException(Exception e) => e switch
    {
        TerminalReconcileException terminal => ReconcileResult.Terminal(terminal.Message),
        _ => ReconcileResult.Retry(e.GetType().Name),
    };
}
