namespace StorageOperator.Operator.Controllers.Probes;

/// <summary>
/// The encryption preflight: can this store's client certificate create, generate and decrypt with
/// its key through the key server? Injectable because an operator outside the cluster (and the tests)
/// cannot reach Service DNS names.
/// </summary>
public interface IKeyServerProbe
{
    Task<KeyServerProbeResult> CheckAsync(KeyServerProbeRequest request, CancellationToken ct);
}
