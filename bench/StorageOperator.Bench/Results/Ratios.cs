using StorageOperator.Bench.Machine;

namespace StorageOperator.Bench.Results;

/// <summary>
/// The three ratios of a measurement (pure). NaN wherever one side is missing, so an unmeasured scenario can never
/// produce a ratio.
/// </summary>
/// <param name="VsPlain">Encrypted ÷ plain for the same operation, size and concurrency.</param>
/// <param name="VsMachine">PUT ÷ fsync write of the same size; GET ÷ min(page-cache read, TLS loopback).</param>
/// <param name="VsAesGcm">Encrypted throughput ÷ single-core AES-GCM (encrypt for writes, decrypt for reads).</param>
public sealed record Ratios(double VsPlain, double VsMachine, double VsAesGcm, string MachineLimitName, double MachineLimitMiBps)
{
    public static Ratios For(Measurement m, IReadOnlyList<Measurement> all, MachineLimits? machine)
    {
        var plain = all.FirstOrDefault(p => p.Mode == "plain" && p.Key == m.Key);
        var vsPlain = m.Mode != "plain" && plain is not null ? Rates.Ratio(m.Rate, plain.Rate) : double.NaN;
        if (m.IsSmall || machine is null)
        {
            return new Ratios(vsPlain, double.NaN, double.NaN, "", double.NaN);
        }

        var disk = machine.DiskFor(m.Size);
        var write = Operation.IsWrite(m.Operation);
        var (limitName, limit) = write
            ? ("fsync write", disk?.WriteFsyncMiBps ?? double.NaN)
            : ReadLimit(disk, machine.Tls);
        var aes = write ? machine.Crypto.AesGcmEncryptMiBps : machine.Crypto.AesGcmDecryptMiBps;
        var vsAes = m.Mode != "plain" ? Rates.Ratio(m.MiBps, aes) : double.NaN;
        return new Ratios(vsPlain, Rates.Ratio(m.MiBps, limit), vsAes, limitName, limit);
    }

    private static (string, double) ReadLimit(DiskResult? disk, TlsResult tls)
    {
        var read = disk?.PageCacheReadMiBps ?? double.NaN;
        return read <= tls.MiBps ? ("page-cache read", read) : ("TLS loopback", tls.MiBps);
    }
}
