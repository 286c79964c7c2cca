namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// A seekable read-only view of several segments (a multipart object's parts) as one run of bytes. A segment is
/// opened only when the reader reaches it and closed when it moves on: an object may have 10,000 parts, and at
/// most one of them is open at a time. Seeking into another segment closes the current one.
/// </summary>
/// <param name="lengths">each segment's length, in order.</param>
/// <param name="openSegment">opens segment <c>index</c> as a seekable stream over exactly its bytes.</param>
/// <param name="owner">disposed with the stream (what <paramref name="openSegment"/> opens files from).</param>
internal sealed class SegmentedRangeStream(IReadOnlyList<long> lengths, Func<int, Stream> openSegment, IDisposable? owner = null)
    : Stream
{
    /// <summary>_starts[i] is where segment i begins; the last entry is the total length.</summary>
    private readonly long[] _starts = Starts(lengths);
    private long _position;
    private int _index = -1;
    private Stream? _current;
    private bool _disposed;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => false;
    public override long Length => _starts[^1];

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= Length)
        {
            return 0;
        }
        var segment = Locate(out var left);
        var n = segment.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        return Advance(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= Length)
        {
            return 0;
        }
        var segment = Locate(out var left);
        var n = await segment.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], cancellationToken).ConfigureAwait(false);
        return Advance(n);
    }

    /// <summary>The open segment holding <see cref="_position"/>, positioned there; <paramref name="left"/> = its bytes from there.</summary>
    private Stream Locate(out long left)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_current is null || _position < _starts[_index] || _position >= _starts[_index + 1])
        {
            CloseCurrent();
            // the last segment starting at or before the position; empty segments start where the next one does
            var upper = Array.BinarySearch(_starts, 0, _starts.Length - 1, _position);
            var index = upper >= 0 ? upper : ~upper - 1;
            while (index + 1 < _starts.Length - 1 && _starts[index + 1] == _position)
            {
                index++;
            }
            _current = openSegment(index);
            _index = index;
        }
        var offset = _position - _starts[_index];
        if (_current.Position != offset)
        {
            _current.Position = offset;
        }
        left = _starts[_index + 1] - _position;
        return _current;
    }

    private int Advance(int n)
    {
        if (n == 0)
        {
            // FileRangeStream ends early only when the file is shorter than the length it was opened with
            throw new InvalidDataException($"Segment {_index} ended before its recorded length.");
        }
        _position += n;
        return n;
    }

    private void CloseCurrent()
    {
        _current?.Dispose();
        _current = null;
        _index = -1;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            CloseCurrent();
            owner?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    private static long[] Starts(IReadOnlyList<long> lengths)
    {
        var starts = new long[lengths.Count + 1];
        for (var i = 0; i < lengths.Count; i++)
        {
            starts[i + 1] = starts[i] + (lengths[i] >= 0 ? lengths[i] : throw new ArgumentOutOfRangeException(nameof(lengths)));
        }
        return starts;
    }
}
