namespace StorageOperator.Bench.Results;

/// <summary>The gateway section: RGW used directly, then through one and two storage-server replicas.</summary>
/// <param name="Status">"ok", "n/a (…)" when it could not run here, "failed: …" when it broke before measuring.</param>
public sealed record GatewayReport(string Status, IReadOnlyList<string> Notes, IReadOnlyList<Measurement> Measurements, string Client)
{
    public bool Ok => Status == Measurement.OkStatus;

    public static GatewayReport NotRun(string status) => new(status, [], [], "");

    /// <summary>This throughput (or ops/s) ÷ the same scenario against RGW directly; NaN when either is missing (pure).</summary>
    public double VsDirect(Measurement m)
    {
        var direct = Measurements.FirstOrDefault(d => d.Mode == Gateway.GatewayTarget.DirectName && d.Key == m.Key);
        return direct is null || m.Mode == Gateway.GatewayTarget.DirectName ? double.NaN : Machine.Rates.Ratio(m.Rate, direct.Rate);
    }
}
