using Microsoft.Extensions.Logging.Abstractions;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.FileSystem.Trash;
using StorageOperator.Storage.Tests.Support;
using StorageOperator.TestCommon;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>
/// The trash's own timer: it must purge expired entries without a delete to trigger it, and must never take the
/// process down (a timer callback that throws ends it — the first version did, a minute after start-up).
/// </summary>
public sealed class SegmentTrashTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_timer_purges_expired_entries_on_its_own()
    {
        var layout = new DataLayout(_dir.Data);
        Directory.CreateDirectory(layout.Temp);
        using var trash = new SegmentTrash(layout, NullLogger.Instance) { GracePeriod = TimeSpan.Zero };
        var retired = Path.Combine(_dir.Data, "segments-of-a-replaced-object");
        Directory.CreateDirectory(retired);
        await File.WriteAllBytesAsync(Path.Combine(retired, "p00001"), [1, 2, 3]);
        trash.GracePeriod = TimeSpan.FromDays(1); // Add must not purge it itself
        trash.Add(retired);
        Assert.Single(Directory.GetDirectories(layout.Temp));

        trash.GracePeriod = TimeSpan.Zero;
        trash.Start(TimeSpan.FromMilliseconds(50));

        await Eventually.UntilAsync(() => Task.FromResult<object?>(Directory.GetDirectories(layout.Temp).Length == 0 ? "" : null),
            TimeSpan.FromSeconds(30), "the timer's purge");
        Assert.False(Directory.Exists(retired));
    }
}
