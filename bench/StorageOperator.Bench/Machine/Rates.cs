namespace StorageOperator.Bench.Machine;

public static class Rates
{
    public static double MiBps(long bytes, TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero ? double.NaN : bytes / (1024.0 * 1024.0) / elapsed.TotalSeconds;

    /// <summary>A ratio, or NaN when either side is missing, so "n/a" propagates instead of a made-up number.</summary>
    public static double Ratio(double numerator, double denominator) =>
        double.IsFinite(numerator) && double.IsFinite(denominator) && denominator > 0 ? numerator / denominator : double.NaN;
}
