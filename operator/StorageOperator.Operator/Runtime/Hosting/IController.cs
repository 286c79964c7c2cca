namespace StorageOperator.Operator.Runtime.Hosting;

public interface IController
{
    string Name { get; }

    /// <summary>Runs the workers until cancelled; informers are started and synced by the host.</summary>
    Task RunWorkersAsync(CancellationToken ct);

    void ShutDown();
}
