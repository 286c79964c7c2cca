using System.Security.Cryptography;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Checksums;

/// <summary>
/// Read-through stream that computes MD5 and the requested checksums while the backend pulls
/// the body, and enforces the declared length: fewer bytes at EOF → IncompleteBody, more than
/// declared or than the maximum → error, so nothing over-long is ever published.
/// </summary>
public sealed class HashingReadStream(Stream inner, long? expectedLength, long maxLength, IEnumerable<ChecksumAlgorithm> algorithms) : Stream
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly Dictionary<ChecksumAlgorithm, IChecksum> _checksums = algorithms.Distinct().ToDictionary(a => a, a => a.Create());
    private readonly Dictionary<ChecksumAlgorithm, byte[]> _results = [];
    private byte[]? _md5Result;
    private bool _md5Skipped;

    public long BytesRead { get; private set; }

    public bool ReachedEnd { get; private set; }

    public IReadOnlyCollection<ChecksumAlgorithm> Algorithms => _checksums.Keys;

    /// <summary>False once <see cref="SkipMd5"/> took effect.</summary>
    public bool HasMd5 => !_md5Skipped;

    /// <exception cref="InvalidOperationException">the MD5 was skipped.</exception>
    public byte[] Md5 => _md5Skipped
        ? throw new InvalidOperationException("The MD5 of this body was not computed.")
        : _md5Result ??= _md5.GetHashAndReset();

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

        _md5Skipped = true;
        return true;
    }

    public byte[] Checksum(ChecksumAlgorithm a) =>
        _results.TryGetValue(a, out var r) ? r : _results[a] = _checksums[a].Finish();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return inner.Read(buffer); // a zero-byte read is a probe, not EOF
        }

        var n = inner.Read(buffer);
        return Account(buffer[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n]);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            ReachedEnd = true;
            if (expectedLength is { } expected && BytesRead < expected)
            {
                throw new S3Exception(S3ErrorCode.IncompleteBody);
            }

            return 0;
        }

        BytesRead += data.Length;
        if (expectedLength is { } exp && BytesRead > exp)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody, "The request body is longer than the declared content length.");
        }

        if (BytesRead > maxLength)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge);
        }

        if (!_md5Skipped)
        {
            _md5.AppendData(data);
        }
        foreach (var c in _checksums.Values)
        {
            c.Append(data);
        }

        return data.Length;
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
            _md5.Dispose();
        }

        base.Dispose(disposing);
    }
}
