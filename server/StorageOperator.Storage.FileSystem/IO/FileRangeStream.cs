using Microsoft.Win32.SafeHandles;

namespace StorageOperator.Storage.FileSystem.IO;

/// <summary>
/// A seekable read-only view of bytes [0, length) of an open file. Positional reads
/// (RandomAccess) keep no shared file offset, and the handle pins the version that was
/// opened even if the path is renamed over meanwhile.
/// With a <paramref name="direct"/> handle (O_DIRECT, <see cref="DirectRead"/>) asynchronous reads go through two
/// aligned 1 MiB blocks: the caller copies out of one while the device fills the next.
/// </summary>
internal sealed class FileRangeStream(SafeFileHandle handle, long length, SafeFileHandle? direct = null) : Stream
{
    private long _position;
    private AlignedBuffer? _block;
    private long _blockStart = -1;
    private int _blockLength;
    private AlignedBuffer? _next;
    private long _nextStart = -1;
    private Task<int>? _nextRead;
    private SafeFileHandle? _direct = direct;

    public override bool CanRead => !handle.IsClosed;
    public override bool CanSeek => !handle.IsClosed;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = RandomAccess.Read(handle, Clip(buffer), _position);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = length - _position;
        if (remaining <= 0 || buffer.Length == 0)
        {
            return 0;
        }
        if (buffer.Length > remaining)
        {
            buffer = buffer[..(int)remaining];
        }
        if (_direct is not null && await FillBlockAsync(cancellationToken).ConfigureAwait(false))
        {
            var offset = (int)(_position - _blockStart);
            var n = Math.Min(buffer.Length, _blockLength - offset);
            _block!.Memory.Span.Slice(offset, n).CopyTo(buffer.Span);
            _position += n;
            return n;
        }
        var read = await RandomAccess.ReadAsync(handle, buffer, _position, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    /// <summary>Makes the current block hold <see cref="_position"/>; false when direct reads failed (then buffered).</summary>
    private async ValueTask<bool> FillBlockAsync(CancellationToken ct)
    {
        if (_blockStart >= 0 && _position >= _blockStart && _position < _blockStart + _blockLength)
        {
            return true;
        }

        var start = _position & ~(long)(AlignedBuffer.Alignment - 1);
        // read ahead only for a stream read from its start or one reaching the next block in order: a ranged GET of a
        // few bytes must not cost a second megabyte from the device
        var sequential = start == 0 || (_blockStart >= 0 && start == _blockStart + _blockLength);
        try
        {
            if (_nextRead is not null && _nextStart == start)
            {
                var read = await _nextRead.ConfigureAwait(false);
                _nextRead = null;
                (_block, _next) = (_next, _block);
                SetBlock(start, read);
            }
            else
            {
                await DropPrefetchAsync().ConfigureAwait(false);
                _block ??= AlignedBuffer.Rent();
                SetBlock(start, await RandomAccess.ReadAsync(_direct!, _block.Memory, start, ct).ConfigureAwait(false));
            }
        }
        catch (IOException e) when (e.HResult == NativeMethods.EInval)
        {
            // a filesystem that opened O_DIRECT but refuses the read (alignment): buffered reads from here on
            await DisableDirectAsync().ConfigureAwait(false);
            return false;
        }

        if (_position >= _blockStart + _blockLength)
        {
            throw new InvalidDataException("File shorter than its recorded length.");
        }

        // read ahead while the caller sends this block
        var nextStart = _blockStart + _blockLength;
        if (sequential && nextStart < length && _blockLength == AlignedBuffer.Size)
        {
            _next ??= AlignedBuffer.Rent();
            _nextStart = nextStart;
            _nextRead = RandomAccess.ReadAsync(_direct!, _next.Memory, nextStart, CancellationToken.None).AsTask();
        }

        return true;
    }

    private void SetBlock(long start, int read)
    {
        _blockStart = start;
        _blockLength = (int)Math.Min(read, length - start);
    }

    private async Task DropPrefetchAsync()
    {
        if (_nextRead is { } pending)
        {
            _nextRead = null;
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ArgumentException)
            {
                // nobody wanted those bytes
            }
        }
    }

    private async Task DisableDirectAsync()
    {
        await DropPrefetchAsync().ConfigureAwait(false);
        _direct?.Dispose();
        _direct = null;
        ReturnBlocks();
    }

    private void ReturnBlocks()
    {
        _blockStart = -1;
        _blockLength = 0;
        if (_block is not null)
        {
            AlignedBuffer.Return(_block);
            _block = null;
        }
        if (_next is not null)
        {
            AlignedBuffer.Return(_next);
            _next = null;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
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
        if (disposing)
        {
            // the device may still be filling the read-ahead block: it goes back to the pool only when done
            DropPrefetchAsync().GetAwaiter().GetResult();
            ReturnBlocks();
            _direct?.Dispose();
            handle.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await DropPrefetchAsync().ConfigureAwait(false);
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    private Span<byte> Clip(Span<byte> buffer)
    {
        var remaining = length - _position;
        return remaining <= 0 ? [] : buffer.Length > remaining ? buffer[..(int)remaining] : buffer;
    }
}
