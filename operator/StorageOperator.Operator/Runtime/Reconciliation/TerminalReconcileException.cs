namespace StorageOperator.Operator.Runtime.Reconciliation;

/// <summary>Thrown from deep inside a reconcile when retrying cannot help; the key is not requeued.</summary>
public sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException(string message) : base(message)
    {
    }

    public TerminalReconcileException(string message, Exception inner) : base(message, inner)
    {
    }
}
