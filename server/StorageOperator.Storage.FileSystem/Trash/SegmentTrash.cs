using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.FileSystem.Layout;

namespace StorageOperator.Storage.FileSystem.Trash;

/// <summary>
/// Segment folders of replaced or deleted multipart objects wait in tmp/ for a grace period before they are deleted:
/// a GET that opened the object before it was replaced still holds the folder open and reads its remaining segments
/// from there (<see cref="SegmentFolder"/>), and a folder a reader still holds after the grace period is left for a
/// later purge (the reader's shared flock). The entry's name starts with the time it was retired, so purging needs
/// no metadata reads. Start-up empties tmp/ anyway: no reader survives a restart.
/// </summary>
internal sealed class SegmentTrash(DataLayout layout, ILogger logger) : IDisposable
{
    private const string Suffix = ".retired";

    private Timer? _timer;
    private int _purging;
    private long _lastPurge = Environment.TickCount64;

    /// <summary>How long a retired folder stays readable for GETs already streaming it.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Purges on a timer as well (every <paramref name="period"/>, default a minute), so trash does not wait for
    /// the next delete.</summary>
    public void Start(TimeSpan? period = null)
    {
        var every = period ?? TimeSpan.FromMinutes(1);
        _timer?.Dispose();
        _timer = new Timer(static state => ((SegmentTrash)state!).PurgeFromTimer(), this, every, every);
    }

    // a timer callback that throws ends the process: nothing may escape it
    private void PurgeFromTimer()
    {
        try
        {
            Purge();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Purging the segment trash in {Path} failed", layout.Temp);
        }
    }

    /// <summary>
    /// Moves a retired segment folder to the trash (one rename) and purges expired entries now and then. Not fsynced:
    /// if a crash undoes the rename, the folder's retired name sends it to the trash again at start-up.
    /// </summary>
    public void Add(string segmentDirectory)
    {
        var entry = Path.Combine(layout.Temp, string.Create(CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():D13}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}{Suffix}"));
        try
        {
            Directory.Move(segmentDirectory, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not move retired segments {Path} to the trash; start-up will", segmentDirectory);
            return;
        }
        if (Environment.TickCount64 - Interlocked.Read(ref _lastPurge) > GracePeriod.TotalMilliseconds / 4)
        {
            // not on the caller's thread: it holds the key and bucket locks, and a purge may delete gigabytes
            _ = Task.Run(PurgeFromTimer);
        }
    }

    /// <summary>Deletes trash entries older than the grace period; returns how many.</summary>
    public int Purge()
    {
        if (Interlocked.Exchange(ref _purging, 1) == 1)
        {
            return 0;
        }
        try
        {
            Interlocked.Exchange(ref _lastPurge, Environment.TickCount64);
            var cutoff = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)GracePeriod.TotalMilliseconds;
            var purged = 0;
            foreach (var entry in Directory.EnumerateDirectories(layout.Temp, "*" + Suffix))
            {
                var name = Path.GetFileName(entry);
                if (name.Length > 13 && long.TryParse(name.AsSpan(0, 13), NumberStyles.None, CultureInfo.InvariantCulture, out var retired)
                    && retired <= cutoff)
                {
                    // a GET still streaming the old object holds a shared lock: its folder waits for the next purge
                    using var locked = SegmentFolder.TryLockExclusive(entry);
                    if (locked is null)
                    {
                        continue;
                    }
                    Durable.TryDeleteDirectory(entry);
                    purged++;
                }
            }
            return purged;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not purge the segment trash in {Path}", layout.Temp);
            return 0;
        }
        finally
        {
            Volatile.Write(ref _purging, 0);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
