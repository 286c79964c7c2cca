using System.Buffers;
using StorageOperator.Crypto.Dare;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// Reads the start of a decrypting stream before the response starts, so that a tampered first package (or a wrong
/// key that only shows in the data) becomes a clean S3 error instead of a response cut off after its headers.
/// </summary>
public sealed class PrefetchedStream : Stream
{
    private readonly Stream _inner;
    private byte[]? _buffer;
    private int _position;
    private readonly int _length;

    private PrefetchedStream(Stream inner, byte[] buffer, int length)
    {
        _inner = inner;
        _buffer = buffer;
        _length = length;
    }

    /// <summary>Reads up to one DARE package of plaintext from <paramref name="inner"/>; owns it afterwards.</summary>
    /// <exception cref="StorageOperator.S3.Protocol.Errors.S3Exception">XMinioObjectTampered: the data does not authenticate.</exception>
    public static async Task<Stream> CreateAsync(Stream inner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var buffer = ArrayPool<byte>.Shared.Rent(DareFormat.MaxPayloadSize);
        var length = 0;
        try
        {
            int n;
            while (length < DareFormat.MaxPayloadSize && (n = await inner.ReadAsync(buffer.AsMemory(length, DareFormat.MaxPayloadSize - length), ct).ConfigureAwait(false)) > 0)
            {
                length += n;
            }

            return new PrefetchedStream(inner, buffer, length);
        }
        catch (DareException)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            await inner.DisposeAsync().ConfigureAwait(false);
            throw SseErrors.Tampered();
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            await inner.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_buffer is not null && _position < _length)
        {
            var n = Math.Min(buffer.Length, _length - _position);
            _buffer.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        return _inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_buffer is not null && _position < _length)
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }

        return _inner.ReadAsync(buffer, cancellationToken);
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
        if (disposing)
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer, clearArray: true);
                _buffer = null;
            }

            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
