namespace StorageOperator.S3Server.Objects;

/// <summary>
/// Exposes [offset, offset+length) of a seekable stream as its own stream, reading forward only; or, through
/// <see cref="Next"/>, the next <c>length</c> bytes of a forward-only stream it does not own (one part of a multipart read).
/// </summary>
public sealed class RangeReadStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _ownsInner;
    private long _remaining;

    /// <summary>Seeks <paramref name="inner"/> to <paramref name="offset"/>; disposing this stream disposes it.</summary>
    public RangeReadStream(Stream inner, long offset, long length)
        : this(inner, length, ownsInner: true)
    {
        if (offset != 0 || inner.Position != 0)
        {
            inner.Seek(offset, SeekOrigin.Begin);
        }
    }

    private RangeReadStream(Stream inner, long length, bool ownsInner)
    {
        _inner = inner;
        _remaining = length;
        _ownsInner = ownsInner;
    }

    /// <summary>The next <paramref name="length"/> bytes of <paramref name="inner"/> from where it stands; leaves it open.</summary>
    public static RangeReadStream Next(Stream inner, long length) => new(inner, length, ownsInner: false);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var n = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var n = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= n;
        return n;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsInner)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
