namespace StorageOperator.Storage.S3Gateway.IO;

/// <summary>
/// A seekable view of one backend object version. Reads continue the current response while the
/// position is contiguous; after a seek the next read opens a ranged GET at the new position, pinned
/// to the version first seen (If-Match), so a concurrent overwrite makes reads fail rather than mix.
/// </summary>
internal sealed class BackendObjectStream(long length, Stream? initial, Func<long, CancellationToken, Task<Stream>> openAt) : Stream
{
    private Stream? _current = initial;
    private long _currentPosition;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_position >= length || destination.IsEmpty)
        {
            return 0;
        }
        if (_current is null || _currentPosition != _position)
        {
            if (_current is not null)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }
            _current = await openAt(_position, cancellationToken).ConfigureAwait(false);
            _currentPosition = _position;
        }
        var want = (int)Math.Min(destination.Length, length - _position);
        var n = await _current.ReadAsync(destination[..want], cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            throw new IOException($"The backend object ended at {_position} of {length} bytes.");
        }
        _position += n;
        _currentPosition += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] array, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(array.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] array, int offset, int count) => Read(array.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        var rented = new byte[destination.Length];
        var n = ReadAsync(rented.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(destination);
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] array, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
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
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
