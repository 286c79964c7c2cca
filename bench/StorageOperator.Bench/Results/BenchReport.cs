using StorageOperator.Bench.Machine;

namespace StorageOperator.Bench.Results;

public sealed record BenchReport
{
    public required DateTimeOffset Started { get; init; }

    public required TimeSpan Duration { get; init; }

    public required string Profile { get; init; }

    public required MachineInfo Machine { get; init; }

    /// <summary>Null when the machine section was not run (<c>--only</c>).</summary>
    public required MachineLimits? Limits { get; init; }

    public required string Client { get; init; }

    /// <summary>Facts about the servers worth keeping next to the numbers (idle RSS, key-server CPU, …).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public required IReadOnlyList<Measurement> Measurements { get; init; }

    /// <summary>Null when the gateway section was left out.</summary>
    public GatewayReport? Gateway { get; init; }

    public IEnumerable<(Measurement Measurement, Ratios Ratios)> WithRatios() =>
        Measurements.Select(m => (m, Ratios.For(m, Measurements, Limits)));
}
