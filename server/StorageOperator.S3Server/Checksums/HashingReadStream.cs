using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Checksums;

/// <summary>
/// Read-through stream that computes MD5 and the requested checksums while the backend pulls
/// the body (on a worker beside the reading thread, see <see cref="BodyDigests"/>), and enforces
/// the declared length: fewer bytes at EOF → IncompleteBody, more than declared or than the
/// maximum → error, so nothing over-long is ever published.
/// </summary>
public sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long? _expectedLength;
    private readonly long _maxLength;
    private readonly ChecksumAlgorithm[] _algorithms;
    private readonly BodyDigests _digests;
    private readonly Dictionary<ChecksumAlgorithm, byte[]> _results = [];
    private byte[]? _md5Result;

    public long BytesRead { get; private set; }

    public bool ReachedEnd { get; private set; }

    public HashingReadStream(Stream inner, long? expectedLength, long maxLength, IEnumerable<ChecksumAlgorithm> algorithms)
    {
        _inner = inner;
        _expectedLength = expectedLength;
        _maxLength = maxLength;
        _algorithms = algorithms.Distinct().ToArray();
        _digests = new BodyDigests(_algorithms.Select(a => a.Create()).ToArray(), expectedLength);
    }

    public IReadOnlyCollection<ChecksumAlgorithm> Algorithms => _algorithms;

    /// <summary>False once <see cref="SkipMd5"/> took effect.</summary>
    public bool HasMd5 => _digests.Md5Enabled;

    /// <exception cref="InvalidOperationException">the MD5 was skipped.</exception>
    public byte[] Md5 => !_digests.Md5Enabled
        ? throw new InvalidOperationException("The MD5 of this body was not computed.")
        : _md5Result ??= _digests.Md5();

    /// <summary>
    /// Leaves the MD5 out (a third of a PUT's CPU) when nothing will use it, e.g. an SSE-KMS write without
    /// Content-MD5 whose ETag is random. Only possible before the first byte; returns whether it took effect.
    /// </summary>
    public bool SkipMd5()
    {
        if (BytesRead > 0 || ReachedEnd)
        {
            return false;
        }

        _digests.DisableMd5();
        return true;
    }

    /// <exception cref="KeyNotFoundException">the algorithm was not requested.</exception>
    public byte[] Checksum(ChecksumAlgorithm a)
    {
        if (_results.TryGetValue(a, out var r))
        {
            return r;
        }

        var index = Array.IndexOf(_algorithms, a);
        return index < 0
            ? throw new KeyNotFoundException($"The checksum {a} was not computed.")
            : _results[a] = _digests.Checksum(index);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return _inner.Read(buffer); // a zero-byte read is a probe, not EOF
        }

        var n = _inner.Read(buffer);
        Account(n);
        if (n == 0)
        {
            _digests.Complete();
        }
        else
        {
            // a synchronous reader waits for the queue too; only the asynchronous path is hot
            _digests.AppendAsync(buffer[..n], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(n);
        if (n == 0)
        {
            await _digests.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _digests.AppendAsync(buffer.Span[..n], cancellationToken).ConfigureAwait(false);
        }

        return n;
    }

    /// <summary>Length checks only; the bytes go to <see cref="_digests"/>.</summary>
    private void Account(int count)
    {
        if (count == 0)
        {
            ReachedEnd = true;
            if (_expectedLength is { } expected && BytesRead < expected)
            {
                throw new S3Exception(S3ErrorCode.IncompleteBody);
            }

            return;
        }

        BytesRead += count;
        if (_expectedLength is { } exp && BytesRead > exp)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody, "The request body is longer than the declared content length.");
        }

        if (BytesRead > _maxLength)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge);
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
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
            _digests.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _digests.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
