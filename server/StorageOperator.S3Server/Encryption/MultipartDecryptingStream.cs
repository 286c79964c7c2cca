using System.Security.Cryptography;
using StorageOperator.Crypto.Dare;
using StorageOperator.S3Server.Objects;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// Plaintext of a range of an encrypted multipart object: the stored slices of consecutive parts are contiguous, and
/// each is its own DARE stream under its part key (reference §2.7, §2.8), decrypted one after the other.
/// </summary>
internal sealed class MultipartDecryptingStream : Stream
{
    private readonly Stream _source;
    private readonly IReadOnlyList<PartSegment> _segments;
    private int _index = -1;
    private Stream? _current;

    public MultipartDecryptingStream(Stream source, IReadOnlyList<PartSegment> segments)
    {
        _source = source;
        _segments = segments;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_current is null && !Next())
            {
                return 0;
            }

            var n = _current!.Read(buffer);
            if (n > 0 || buffer.IsEmpty)
            {
                return n;
            }

            _current.Dispose();
            _current = null;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_current is null && !Next())
            {
                return 0;
            }

            var n = await _current!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n > 0 || buffer.IsEmpty)
            {
                return n;
            }

            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }
    }

    private bool Next()
    {
        if (++_index >= _segments.Count)
        {
            return false;
        }

        var segment = _segments[_index];
        _current = new DareDecryptingStream(RangeReadStream.Next(_source, segment.Range.CipherLength), segment.Key, segment.Range);
        CryptographicOperations.ZeroMemory(segment.Key);
        return true;
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
            _current?.Dispose();
            for (var i = Math.Max(_index + 1, 0); i < _segments.Count; i++)
            {
                CryptographicOperations.ZeroMemory(_segments[i].Key);
            }

            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
