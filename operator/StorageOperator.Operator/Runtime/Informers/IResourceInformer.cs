namespace StorageOperator.Operator.Runtime.Informers;

/// <summary>The part of an informer the host drives, independent of the kind.</summary>
public interface IResourceInformer
{
    string Description { get; }

    bool IsReady { get; }

    /// <summary>Completes after the first list has filled the cache.</summary>
    Task ReadyAsync(CancellationToken ct);

    Task RunAsync(CancellationToken ct);
}
