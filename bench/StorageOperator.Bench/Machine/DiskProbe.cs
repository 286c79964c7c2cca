using System.Diagnostics;
using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Data;

namespace StorageOperator.Bench.Machine;

/// <summary>
/// The disk's ceiling for a PUT: a sequential write of the object's size with one fsync at the end (what an atomic
/// publish must at least pay), then reading the file back. Caches cannot be dropped without root privileges the
/// bench must not assume, so the read is a page-cache read, like the server's GET right after its PUT.
/// </summary>
public static class DiskProbe
{
    private const int ChunkSize = 1 << 20;

    public static DiskResult Measure(string directory, SizeRun run, TimeSpan cap)
    {
        Directory.CreateDirectory(directory);
        var buffer = new byte[ChunkSize];
        PatternBlock.Fill(0, buffer);
        var files = new List<string>();
        try
        {
            var writeTime = TimeSpan.Zero;
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var deadline = Stopwatch.StartNew();
            for (var i = 0; i < run.Repeats && (i == 0 || deadline.Elapsed < cap); i++)
            {
                var path = Path.Combine(directory, $"disk-probe-{i}.bin");
                files.Add(path);
                var started = Stopwatch.GetTimestamp();
                using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    for (long written = 0; written < run.Size; written += ChunkSize)
                    {
                        stream.Write(buffer, 0, (int)Math.Min(ChunkSize, run.Size - written));
                    }

                    stream.Flush(flushToDisk: true);
                }

                writeTime += Stopwatch.GetElapsedTime(started);
            }

            var writeCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            var directTime = TimeSpan.Zero;
            for (var i = 0; i < files.Count && directTime >= TimeSpan.Zero; i++)
            {
                directTime = DirectWriteProbe.Write(files[i] + ".direct", run.Size, buffer) is { } t ? directTime + t : TimeSpan.MinValue;
                File.Delete(files[i] + ".direct");
            }

            var readTime = TimeSpan.Zero;
            foreach (var path in files)
            {
                var started = Stopwatch.GetTimestamp();
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
                while (stream.Read(buffer, 0, ChunkSize) > 0)
                {
                }

                readTime += Stopwatch.GetElapsedTime(started);
            }

            var bytes = run.Size * files.Count;
            return new DiskResult(run.Size, files.Count, Rates.MiBps(bytes, writeTime), Rates.MiBps(bytes, readTime), writeCpu.TotalSeconds / ((double)bytes / Sizes.GiB))
            {
                DirectWriteFsyncMiBps = directTime >= TimeSpan.Zero ? Rates.MiBps(bytes, directTime) : double.NaN,
            };
        }
        finally
        {
            foreach (var path in files)
            {
                File.Delete(path);
            }
        }
    }
}

/// <param name="WriteFsyncMiBps">buffered writes, then fsync.</param>
/// <param name="WriteCpuSecondsPerGiB">CPU this process spent on the buffered writes (mostly the kernel copying into the page cache).</param>
public sealed record DiskResult(long Size, int Files, double WriteFsyncMiBps, double PageCacheReadMiBps, double WriteCpuSecondsPerGiB)
{
    /// <summary>O_DIRECT writes from an aligned buffer, then fsync (<see cref="DirectWriteProbe"/>); NaN where unsupported.</summary>
    public double DirectWriteFsyncMiBps { get; init; } = double.NaN;

    /// <summary>The disk's write ceiling: the better of the two ways to write it.</summary>
    public double BestWriteMiBps => double.IsFinite(DirectWriteFsyncMiBps) ? Math.Max(WriteFsyncMiBps, DirectWriteFsyncMiBps) : WriteFsyncMiBps;

    public string BestWriteName => double.IsFinite(DirectWriteFsyncMiBps) && DirectWriteFsyncMiBps > WriteFsyncMiBps ? "O_DIRECT write+fsync" : "write+fsync";
}
