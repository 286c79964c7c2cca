namespace StorageOperator.TestCommon;

/// <summary>
/// A forward-only stream over <c>data</c> that hands out at most <c>maxRead</c> bytes per read, as a socket does, so
/// that framing and buffering split across reads are exercised; with <see cref="FailAfter"/> it breaks part-way like
/// a dropped connection.
/// </summary>
public sealed class TrickleStream(byte[] data, int maxRead) : Stream
{
    private int _position;

    /// <summary>Reads at or past this offset throw <see cref="IOException"/> ("the connection broke").</summary>
    public int FailAfter { get; init; } = int.MaxValue;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= FailAfter)
        {
            throw new IOException("the connection broke");
        }

        var n = Math.Min(Math.Min(buffer.Length, maxRead), Math.Min(data.Length, FailAfter) - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
