using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>
/// O_DIRECT reads through aligned read-ahead blocks: any sequence of seeks and reads of any size must return exactly
/// the bytes of the data range (never the bytes after it), and disposing in the middle of a read-ahead must be safe.
/// </summary>
public sealed class DirectReadTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public DirectReadTests() => Directory.CreateDirectory(_dir.Sandbox);

    public void Dispose() => _dir.Dispose();

    private (string Path, byte[] Data) WriteFile(int dataLength, int trailing)
    {
        var bytes = new byte[dataLength + trailing];
        new Random(dataLength).NextBytes(bytes);
        var path = Path.Combine(_dir.Sandbox, "file-" + dataLength);
        File.WriteAllBytes(path, bytes);
        return (path, bytes[..dataLength]);
    }

    private static FileRangeStream Open(string path, long length)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var direct = DirectRead.TryReopen(handle);
        Assert.NotNull(direct); // ext4/xfs temp folders accept O_DIRECT
        return new FileRangeStream(handle, length, direct);
    }

    [Theory]
    [InlineData((1 << 20) + 1, 100, 131_072)]
    [InlineData((5 << 20) + 4097, 37, 65_568)]
    [InlineData(3 << 20, 4096, 1 << 20)]
    [InlineData((2 << 20) - 3, 0, 7_777)]
    public async Task Sequential_reads_return_exactly_the_data_range(int dataLength, int trailing, int readSize)
    {
        var (path, data) = WriteFile(dataLength, trailing);
        await using var stream = Open(path, dataLength);

        var copy = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, n);
        }

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task Seeks_anywhere_read_the_right_bytes()
    {
        var (path, data) = WriteFile((7 << 20) + 123, 500);
        await using var stream = Open(path, data.Length);
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var offset = random.Next(data.Length);
            var count = random.Next(1, 3 << 20);
            stream.Position = offset;
            var buffer = new byte[count];
            var read = await stream.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false);
            Assert.Equal(Math.Min(count, data.Length - offset), read);
            Assert.True(data.AsSpan(offset, read).SequenceEqual(buffer.AsSpan(0, read)), $"bytes differ at offset {offset}");
        }
    }

    [Fact]
    public async Task Disposing_during_a_read_ahead_is_safe()
    {
        var (path, data) = WriteFile(9 << 20, 0);
        for (var i = 0; i < 20; i++)
        {
            var stream = Open(path, data.Length);
            var buffer = new byte[4096];
            await stream.ReadExactlyAsync(buffer); // starts the read-ahead of the second block
            Assert.Equal(data.AsSpan(0, 4096).ToArray(), buffer);
            if (i % 2 == 0)
            {
                stream.Dispose();
            }
            else
            {
                await stream.DisposeAsync();
            }
        }
    }
}
