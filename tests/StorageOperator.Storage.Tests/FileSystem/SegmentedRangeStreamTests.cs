using StorageOperator.Storage.FileSystem.IO;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>The view of a multipart object's segments as one seekable run of bytes.</summary>
public sealed class SegmentedRangeStreamTests
{
    private static readonly byte[][] Segments = [[1, 2, 3], [], [4], [], [], [5, 6, 7, 8], []];

    private static (SegmentedRangeStream Stream, List<int> Opened, Func<int> OpenNow) Create(byte[][] segments)
    {
        var opened = new List<int>();
        var open = 0;
        var stream = new SegmentedRangeStream([.. segments.Select(s => (long)s.Length)], index =>
        {
            opened.Add(index);
            open++;
            return new CountingStream(segments[index], () => open--);
        });
        return (stream, opened, () => open);
    }

    [Fact]
    public async Task Reads_every_byte_in_order_skipping_empty_segments_with_one_segment_open()
    {
        var (stream, opened, openNow) = Create(Segments);
        await using (stream)
        {
            Assert.Equal(8, stream.Length);
            var read = new List<byte>();
            var buffer = new byte[100];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                Assert.Equal(1, openNow());
                read.AddRange(buffer[..n]);
            }
            Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], read);
            Assert.Equal([0, 2, 5], opened); // a read never spans segments; empty ones are never opened
        }
        Assert.Equal(0, openNow());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void Seeks_land_in_the_right_segment(int offset)
    {
        var (stream, _, _) = Create(Segments);
        using (stream)
        {
            stream.Seek(offset - 8, SeekOrigin.End);
            var rest = new byte[8 - offset];
            stream.ReadExactly(rest);
            Assert.Equal(Segments.SelectMany(s => s).Skip(offset), rest);
            Assert.Equal(0, stream.Read(new byte[1]));
        }
    }

    [Fact]
    public async Task A_segment_shorter_than_recorded_is_an_error()
    {
        await using var stream = new SegmentedRangeStream([2, 5], index => new MemoryStream(index == 0 ? [1, 2] : [3]));
        var buffer = new byte[10];
        Assert.Equal(2, await stream.ReadAsync(buffer));
        Assert.Equal(1, await stream.ReadAsync(buffer));
        await Assert.ThrowsAsync<InvalidDataException>(() => stream.ReadAsync(buffer).AsTask());
    }

    [Fact]
    public void No_segments_is_an_empty_stream()
    {
        using var stream = new SegmentedRangeStream([], _ => throw new InvalidOperationException("nothing to open"));
        Assert.Equal(0, stream.Length);
        Assert.Equal(0, stream.Read(new byte[4]));
    }

    private sealed class CountingStream(byte[] content, Action closed) : MemoryStream(content, writable: false)
    {
        private bool _closed;

        protected override void Dispose(bool disposing)
        {
            if (!_closed)
            {
                _closed = true;
                closed();
            }
            base.Dispose(disposing);
        }
    }
}
