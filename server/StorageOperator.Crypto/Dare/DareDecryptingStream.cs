using System.Buffers;
using System.Runtime.CompilerServices;

namespace StorageOperator.Crypto.Dare;

/// <summary>
/// Pull-based DARE 2.0 decryption: wraps stored ciphertext, and <see cref="Read(Span{byte})"/> returns plaintext.
/// A package's plaintext is released only after that whole package authenticated. Reordered, tampered, truncated
/// or extended streams raise <see cref="DareException"/>; once failed, every further read fails the same way.
/// </summary>
public sealed class DareDecryptingStream : Stream
{
    private readonly Stream _source;
    private readonly bool _leaveOpen;
    private readonly DareOpener _opener;

    // null: the whole stream up to its final package, which must end the source.
    private readonly DareRange? _range;
    private byte[]? _input;
    private byte[]? _output;
    private int _outputPosition;
    private int _outputLength;
    private long _packagesRead;
    private long _skipRemaining;
    private long _plainRemaining;
    private bool _done;
    private DareException? _failure;
    private long _position;

    /// <summary>
    /// Decrypts a whole stream (sequence numbers from 0, must end with its final package). An empty source is an
    /// error here (it could be a truncation); an empty object has no stream, so callers skip decryption for size 0.
    /// </summary>
    public DareDecryptingStream(Stream ciphertext, ReadOnlySpan<byte> key, bool leaveOpen = false)
        : this(ciphertext, key, null, leaveOpen)
    {
    }

    /// <summary>
    /// Decrypts the slice described by <paramref name="range"/> (from <see cref="DareFormat.MapRange(long,long,long)"/>):
    /// <paramref name="ciphertext"/> must start at <see cref="DareRange.CipherOffset"/>; exactly
    /// <see cref="DareRange.CipherLength"/> bytes are read, and exactly <see cref="DareRange.PlainLength"/> bytes returned.
    /// </summary>
    public DareDecryptingStream(Stream ciphertext, ReadOnlySpan<byte> key, DareRange range, bool leaveOpen = false)
        : this(ciphertext, key, (DareRange?)range, leaveOpen)
    {
    }

    private DareDecryptingStream(Stream ciphertext, ReadOnlySpan<byte> key, DareRange? range, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (range is { PackageCount: < 1 } or { SkipBytes: < 0 } or { PlainLength: < 1 })
        {
            throw new ArgumentOutOfRangeException(nameof(range));
        }

        _opener = new DareOpener(key, range?.FirstSequenceNumber ?? 0);
        _source = ciphertext;
        _leaveOpen = leaveOpen;
        _range = range;
        _skipRemaining = range?.SkipBytes ?? 0;
        _plainRemaining = range?.PlainLength ?? -1;
        _input = ArrayPool<byte>.Shared.Rent(DareFormat.MaxPackageSize);
        _output = ArrayPool<byte>.Shared.Rent(DareFormat.MaxPayloadSize);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    /// <summary>Plaintext bytes returned so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // A separate synchronous loop (rather than sync-over-async) keeps this path free of state-machine allocations.
        while (NeedsPackage())
        {
            try
            {
                var read = ReadFull(_input.AsSpan(0, DareFormat.MaxPackageSize));
                if (OpenPackage(read, out var length))
                {
                    CheckEndOfSource(ReadFull(_input.AsSpan(0, 1)));
                }

                Release(length);
            }
            catch (DareException e)
            {
                Fail(e);
                throw;
            }
        }

        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (NeedsPackage())
        {
            try
            {
                var read = await ReadFullAsync(_input.AsMemory(0, DareFormat.MaxPackageSize), cancellationToken).ConfigureAwait(false);
                if (OpenPackage(read, out var length))
                {
                    CheckEndOfSource(await ReadFullAsync(_input.AsMemory(0, 1), cancellationToken).ConfigureAwait(false));
                }

                Release(length);
            }
            catch (DareException e)
            {
                Fail(e);
                throw;
            }
        }

        return CopyOut(buffer.Span);
    }

    /// <summary>True when the output is drained and another package must be read.</summary>
    private bool NeedsPackage()
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        ObjectDisposedException.ThrowIf(_input is null || _output is null, this);
        return _outputPosition >= _outputLength && !_done && _plainRemaining != 0;
    }

    private void Fail(DareException e)
    {
        _failure = e;
        _outputPosition = _outputLength = 0;
    }

    private int CopyOut(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _outputLength - _outputPosition);
        _output.AsSpan(_outputPosition, n).CopyTo(destination);
        _outputPosition += n;
        _position += n;
        return n;
    }

    /// <summary>
    /// Authenticates the package just read into the output buffer (not yet released). Returns true when the
    /// source must be checked for trailing bytes before the plaintext may be released.
    /// </summary>
    private bool OpenPackage(int read, out int length)
    {
        if (read == 0)
        {
            throw new DareException("Unexpected end of the DARE stream: the final package is missing.");
        }

        length = _opener.Open(_input.AsSpan(0, read), _output, out var final);
        _packagesRead++;
        if (_range is { } range)
        {
            var last = _packagesRead == range.PackageCount;
            if (final != (last && range.IncludesFinalPackage))
            {
                throw new DareException(final
                    ? "The DARE stream ends before the requested range."
                    : "The DARE package that must be final is not.");
            }

            _done = last;
            return false;
        }

        _done = final;
        return final;
    }

    private static void CheckEndOfSource(int extra)
    {
        if (extra != 0)
        {
            throw new DareException("Unexpected data after the final DARE package.");
        }
    }

    /// <summary>Makes the authenticated plaintext readable, applying the range's skip and length.</summary>
    private void Release(int length)
    {
        var skip = (int)Math.Min(_skipRemaining, length);
        _skipRemaining -= skip;
        var available = length - skip;
        if (_plainRemaining >= 0)
        {
            if (_done && _plainRemaining > available)
            {
                throw new DareException("The DARE stream is shorter than the requested range.");
            }

            available = (int)Math.Min(available, _plainRemaining);
            _plainRemaining -= available;
        }

        _outputPosition = skip;
        _outputLength = skip + available;
    }

    // Fill the buffer unless the source ends first (a short read is not the end of a package).
    private int ReadFull(Span<byte> buffer) => _source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private ValueTask<int> ReadFullAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);

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
            ReturnBuffers();
            _opener.Dispose();
            if (!_leaveOpen)
            {
                _source.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        ReturnBuffers();
        _opener.Dispose();
        if (!_leaveOpen)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void ReturnBuffers()
    {
        if (_input is not null)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = null;
        }

        if (_output is not null)
        {
            ArrayPool<byte>.Shared.Return(_output, clearArray: true);
            _output = null;
        }
    }
}
