namespace StorageOperator.Operator.Controllers.Probes;

/// <summary>
/// Gateway mode: does the backend answer a signed request with the store's backend credentials, and
/// does the configured bucket exist? Injectable for the same reason as <see cref="IKeyServerProbe"/>:
/// an operator outside the cluster, and the tests, cannot always reach the backend.
/// </summary>
public interface IBackendProbe
{
    Task<BackendProbeResult> CheckAsync(BackendProbeRequest request, CancellationToken ct);
}
