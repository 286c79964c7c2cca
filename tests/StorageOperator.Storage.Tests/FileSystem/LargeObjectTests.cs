using System.Buffers;
using System.Diagnostics;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.Tests.Support;
using Xunit.Abstractions;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class LargeObjectTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    /// <summary>A memory bound, not a timing threshold: objects must stream, never be buffered whole.</summary>
    private const long ManagedMemoryBound = 200L << 20;

    public void Dispose() => _dir.Dispose();

    /// <summary>2 GiB by default; STORAGE_TESTS_LARGE_MIB overrides (e.g. 1024 for the throughput note).</summary>
    private static long Size => (long.TryParse(Environment.GetEnvironmentVariable("STORAGE_TESTS_LARGE_MIB"), out var mib) ? mib : 2048) << 20;

    [Fact]
    public async Task A_multi_gib_object_streams_in_and_out_with_flat_memory()
    {
        using var backend = new FileSystemBackend(_dir.Data);
        await backend.CreateBucketAsync("big", CancellationToken.None);
        const ulong seed = 0xC0FFEE;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        // Live (collected) memory: uncollected garbage says nothing about whether the stream is buffered.
        void Sample() => peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);

        var watch = Stopwatch.StartNew();
        var info = await backend.PutObjectAsync("big", "huge/object.bin", new GeneratedStream(Size, seed) { OnProgress = Sample },
            size =>
            {
                Assert.Equal(Size, size);
                return TestData.Metadata("big-etag");
            }, CancellationToken.None);
        var putSeconds = watch.Elapsed.TotalSeconds;
        Assert.Equal(Size, info.Size);

        watch.Restart();
        await using (var reader = await backend.OpenObjectAsync("big", "huge/object.bin", CancellationToken.None))
        {
            Assert.Equal(Size, reader.Info.Size);
            Assert.Equal(Size, reader.Data.Length);
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            var expected = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                long position = 0;
                while (true)
                {
                    var n = await reader.Data.ReadAsync(buffer.AsMemory(0, 1 << 20));
                    if (n == 0)
                    {
                        break;
                    }
                    GeneratedStream.Fill(expected.AsSpan(0, n), position, seed);
                    if (!buffer.AsSpan(0, n).SequenceEqual(expected.AsSpan(0, n)))
                    {
                        Assert.Fail($"content differs in the block at offset {position}");
                    }
                    position += n;
                    if (position % (64L << 20) < n)
                    {
                        Sample();
                    }
                }
                Assert.Equal(Size, position);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                ArrayPool<byte>.Shared.Return(expected);
            }
        }
        var getSeconds = watch.Elapsed.TotalSeconds;
        Sample();

        var mib = Size >> 20;
        output.WriteLine($"{mib} MiB: put {mib / putSeconds:F0} MiB/s ({putSeconds:F1} s, incl. generation + fsync), " +
                         $"get {mib / getSeconds:F0} MiB/s ({getSeconds:F1} s, incl. verification); managed memory peak +{peak >> 20} MiB");
        Assert.True(peak < ManagedMemoryBound, $"managed memory grew by {peak >> 20} MiB while streaming {mib} MiB");

        await backend.DeleteObjectAsync("big", "huge/object.bin", CancellationToken.None);
        Assert.Empty(_dir.TempEntries());
    }
}
