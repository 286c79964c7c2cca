using StorageOperator.Bench.Machine;

namespace StorageOperator.Bench.Results;

/// <summary>
/// The three ratios of a measurement (pure). NaN wherever one side is missing, so an unmeasured scenario can never
/// produce a ratio.
/// </summary>
/// <param name="VsPlain">Encrypted ÷ plain for the same operation, size and concurrency.</param>
/// <param name="VsMachine">PUT ÷ the disk's write+fsync of the same size (the better of buffered and O_DIRECT); GET ÷
/// min(page-cache read, TLS loopback).</param>
/// <param name="VsAesGcm">Encrypted throughput ÷ single-core AES-GCM (encrypt for writes, decrypt for reads).</param>
/// <param name="VsBound">÷ the lowest single-stream limit the operation cannot escape: for a PUT min(fsync write, TLS
/// loopback, one core of MD5 where S3 makes the ETag an MD5 — plain and SSE-S3), for a GET the same as VsMachine.
/// MD5 cannot be split across cores, so a single-stream plain PUT never outruns one core of it, whatever the disk.</param>
public sealed record Ratios(double VsPlain, double VsMachine, double VsAesGcm, string MachineLimitName, double MachineLimitMiBps,
    double VsBound = double.NaN, string BoundName = "", double BoundMiBps = double.NaN)
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
            ? (disk?.BestWriteName ?? "write+fsync", disk?.BestWriteMiBps ?? double.NaN)
            : ReadLimit(disk, machine.Tls);
        var aes = write ? machine.Crypto.AesGcmEncryptMiBps : machine.Crypto.AesGcmDecryptMiBps;
        var vsAes = m.Mode != "plain" ? Rates.Ratio(m.MiBps, aes) : double.NaN;
        var (boundName, bound) = write ? WriteBound(m, limitName, limit, machine) : (limitName, limit);
        return new Ratios(vsPlain, Rates.Ratio(m.MiBps, limit), vsAes, limitName, limit, Rates.Ratio(m.MiBps, bound), boundName, bound);
    }

    private static (string, double) WriteBound(Measurement m, string diskName, double disk, MachineLimits machine)
    {
        var candidates = new List<(string Name, double MiBps)> { (diskName, disk), ("TLS loopback", machine.Tls.MiBps) };
        if (m.Mode is "plain" or "SSE-S3")
        {
            // a multipart upload hashes its parts in parallel: one core of MD5 per stream
            var cores = Math.Min(m.Concurrency, Environment.ProcessorCount);
            candidates.Add((cores > 1 ? $"MD5 x{cores} cores" : "MD5 core", machine.Crypto.Md5MiBps * cores));
        }

        return candidates.Where(c => double.IsFinite(c.MiBps)).MinBy(c => c.MiBps);
    }

    private static (string, double) ReadLimit(DiskResult? disk, TlsResult tls)
    {
        var read = disk?.PageCacheReadMiBps ?? double.NaN;
        return read <= tls.MiBps ? ("page-cache read", read) : ("TLS loopback", tls.MiBps);
    }
}
