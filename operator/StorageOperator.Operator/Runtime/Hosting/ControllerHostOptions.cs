using StorageOperator.Operator.Runtime.Informers;

namespace StorageOperator.Operator.Runtime.Hosting;

public sealed record ControllerHostOptions
{
    /// <summary>Watch only this namespace; all namespaces when null.</summary>
    public string? Namespace { get; init; }

    /// <summary>Concurrent reconciles per controller (never two for the same key).</summary>
    public int Workers { get; init; } = 2;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    public InformerOptions Informer { get; init; } = new();

    /// <summary>
    /// On shutdown, reconciles already running get this long to finish before their token is
    /// cancelled; no new ones start. Kept below the Lease duration so a successor never overlaps.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
