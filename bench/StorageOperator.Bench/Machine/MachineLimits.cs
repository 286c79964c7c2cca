namespace StorageOperator.Bench.Machine;

/// <summary>
/// What this machine can do at best, measured in the same run as the server. The disk is measured before and after
/// the server scenarios (<see cref="DiskAfter"/>): a shared or virtual disk drifts, and the ratios use the better of
/// the two, since a limit is what the machine has shown it can do.
/// </summary>
public sealed record MachineLimits(IReadOnlyList<DiskResult> Disk, CryptoResult Crypto, TlsResult Tls)
{
    public IReadOnlyList<DiskResult> DiskAfter { get; init; } = [];

    public DiskResult? DiskFor(long size)
    {
        var before = Disk.FirstOrDefault(d => d.Size == size);
        var after = DiskAfter.FirstOrDefault(d => d.Size == size);
        if (before is null || after is null)
        {
            return before ?? after;
        }

        return before with
        {
            WriteFsyncMiBps = Math.Max(before.WriteFsyncMiBps, after.WriteFsyncMiBps),
            DirectWriteFsyncMiBps = MaxOf(before.DirectWriteFsyncMiBps, after.DirectWriteFsyncMiBps),
            PageCacheReadMiBps = Math.Max(before.PageCacheReadMiBps, after.PageCacheReadMiBps),
        };
    }

    private static double MaxOf(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);
}
