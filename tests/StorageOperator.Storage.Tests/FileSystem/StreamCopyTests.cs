using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>
/// The copy primitives under PUT and multipart completion: the kernel-side concatenation (copy_file_range) and
/// the early-writeback hint must leave exactly the bytes a plain copy would, at the right offsets.
/// </summary>
public sealed class StreamCopyTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public StreamCopyTests() => Directory.CreateDirectory(_dir.Sandbox);

    public void Dispose() => _dir.Dispose();

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir.Sandbox, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private FileStream CreateTarget(string name) => new(Path.Combine(_dir.Sandbox, name), new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        BufferSize = 0,
        Options = FileOptions.Asynchronous,
    });

    [Fact]
    public async Task Copy_range_appends_each_source_prefix_after_what_the_target_holds()
    {
        // Sizes across the kernel copy's 16 MiB chunk and the 8 MiB writeback window, and a tiny one.
        var first = Random((17 << 20) + 3, 1);
        var second = Random(5, 2);
        var third = Random((9 << 20) + 11, 3);
        var header = Random(100, 4);
        var target = Path.Combine(_dir.Sandbox, "joined");
        await using (var file = CreateTarget("joined"))
        {
            var writeback = new Writeback(file.SafeFileHandle);
            await file.WriteAsync(header);
            foreach (var (source, name) in new[] { (first, "a"), (second, "b"), (third, "c") })
            {
                // Only a prefix of each source is copied (a part file's data before its metadata).
                var path = Write(name, [.. source, .. Random(64, 9)]);
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
                await StreamCopy.CopyRangeAsync(handle, source.Length, file, writeback, CancellationToken.None);
            }
            Assert.Equal(header.Length + first.Length + second.Length + third.Length, file.Position);
            await file.WriteAsync(header);
        }
        byte[] expected = [.. header, .. first, .. second, .. third, .. header];
        Assert.Equal(expected, await File.ReadAllBytesAsync(target));
    }

    [Fact]
    public async Task Copy_range_refuses_a_source_shorter_than_its_recorded_length()
    {
        var path = Write("short", Random(1000, 5));
        await using var file = CreateTarget("out");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            StreamCopy.CopyRangeAsync(handle, 2000, file, new Writeback(file.SafeFileHandle), CancellationToken.None));
    }

    [Fact]
    public async Task Streaming_copy_with_writeback_stores_every_byte()
    {
        var content = Random((20 << 20) + 7, 6);
        long copied;
        await using (var file = CreateTarget("streamed"))
        {
            copied = await StreamCopy.CopyAsync(new TrickleStream(content), file, new Writeback(file.SafeFileHandle), CancellationToken.None);
            file.Flush(flushToDisk: true);
        }
        Assert.Equal(content.Length, copied);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_dir.Sandbox, "streamed")));
    }

    /// <summary>Returns reads of odd sizes, like a network stream.</summary>
    private sealed class TrickleStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 300_001)], cancellationToken);
    }
}
