using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.Tests.Support;
using StorageOperator.TestCommon;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>
/// The copy primitive under PUT and UploadPart: the early-writeback hint must leave exactly the bytes a plain copy
/// would.
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

    private FileStream CreateTarget(string name) => new(Path.Combine(_dir.Sandbox, name), new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        BufferSize = 0,
        Options = FileOptions.Asynchronous,
    });

    [Fact]
    public async Task Streaming_copy_with_writeback_stores_every_byte()
    {
        var content = Random((20 << 20) + 7, 6);
        long copied;
        await using (var file = CreateTarget("streamed"))
        {
            copied = await StreamCopy.CopyAsync(new TrickleStream(content, 300_001), file, new Writeback(file.SafeFileHandle), CancellationToken.None);
            file.Flush(flushToDisk: true);
        }
        Assert.Equal(content.Length, copied);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_dir.Sandbox, "streamed")));
    }
}
