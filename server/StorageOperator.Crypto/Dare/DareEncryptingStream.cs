using System.Buffers;
using System.Runtime.CompilerServices;

namespace StorageOperator.Crypto.Dare;

/// <summary>
/// Pull-based DARE 2.0 encryption: wraps a plaintext source, and <see cref="Read(Span{byte})"/> returns ciphertext.
/// Used on the write path (wrap the request body, hand the result to the storage backend). Reads one byte ahead so
/// that the last package, even a full 64 KiB one, carries the final flag exactly as sio does.
/// </summary>
public sealed class DareEncryptingStream : Stream
{
    private const int InputCapacity = DareFormat.MaxPayloadSize + 1;

    private readonly Stream _source;
    private readonly bool _leaveOpen;
    private readonly DareSealer _sealer;
    private byte[]? _input;
    private byte[]? _output;
    private int _inputCount;
    private int _outputPosition;
    private int _outputLength;
    private bool _sourceDone;
    private bool _finished;
    private long _position;

    public DareEncryptingStream(Stream plaintext, ReadOnlySpan<byte> key, DareEncryptOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        options ??= new DareEncryptOptions();
        _sealer = new DareSealer(key, options.Nonce.Span, options.FirstSequenceNumber, options.CipherSuite);
        _source = plaintext;
        _leaveOpen = leaveOpen;
        _input = ArrayPool<byte>.Shared.Rent(InputCapacity);
        _output = ArrayPool<byte>.Shared.Rent(DareFormat.MaxPackageSize);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    /// <summary>Ciphertext bytes returned so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || !HasOutput())
        {
            return 0;
        }

        // A separate synchronous loop (rather than sync-over-async) keeps this path free of state-machine allocations.
        while (NeedsInput)
        {
            ConsumeInput(_source.Read(_input.AsSpan(_inputCount, InputCapacity - _inputCount)));
        }

        return SealNext(buffer, out var direct) ? direct > 0 ? direct : CopyOut(buffer) : 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || !HasOutput())
        {
            return 0;
        }

        while (NeedsInput)
        {
            ConsumeInput(await _source.ReadAsync(_input.AsMemory(_inputCount, InputCapacity - _inputCount), cancellationToken).ConfigureAwait(false));
        }

        return SealNext(buffer.Span, out var direct) ? direct > 0 ? direct : CopyOut(buffer.Span) : 0;
    }

    /// <summary>False at the end of the stream; true when output is pending or more may be produced.</summary>
    private bool HasOutput()
    {
        ObjectDisposedException.ThrowIf(_input is null || _output is null, this);
        return _outputPosition < _outputLength || !_finished;
    }

    private bool NeedsInput => _outputPosition >= _outputLength && !_sourceDone && _inputCount < InputCapacity;

    private void ConsumeInput(int read)
    {
        if (read == 0)
        {
            _sourceDone = true;
        }

        _inputCount += read;
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
    /// Seals the next package when the output is drained; false at the end of the stream. A caller's buffer with room
    /// for a whole package gets it sealed in place (<paramref name="direct"/> = its length), saving a copy per package;
    /// otherwise the package goes to the output buffer (<paramref name="direct"/> = 0).
    /// </summary>
    private bool SealNext(Span<byte> destination, out int direct)
    {
        direct = 0;
        if (_outputPosition < _outputLength)
        {
            return true;
        }

        if (_finished)
        {
            return false;
        }

        var inPlace = destination.Length >= DareFormat.MaxPackageSize;
        var target = inPlace ? destination : _output;

        if (_inputCount > DareFormat.MaxPayloadSize)
        {
            _outputLength = _sealer.Seal(_input.AsSpan(0, DareFormat.MaxPayloadSize), final: false, target);
            _input![0] = _input[DareFormat.MaxPayloadSize];
            _inputCount = 1;
        }
        else if (_inputCount == 0)
        {
            // Only reachable for an empty source: DARE encodes empty plaintext as zero bytes.
            _finished = true;
            return false;
        }
        else
        {
            _outputLength = _sealer.Seal(_input.AsSpan(0, _inputCount), final: true, target);
            _inputCount = 0;
            _finished = true;
        }

        if (inPlace)
        {
            direct = _outputLength;
            _outputLength = 0;
            _position += direct;
        }

        _outputPosition = 0;
        return true;
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
            ReturnBuffers();
            _sealer.Dispose();
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
        _sealer.Dispose();
        if (!_leaveOpen)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void ReturnBuffers()
    {
        // Both buffers held plaintext at some point.
        if (_input is not null)
        {
            ArrayPool<byte>.Shared.Return(_input, clearArray: true);
            _input = null;
        }

        if (_output is not null)
        {
            ArrayPool<byte>.Shared.Return(_output, clearArray: true);
            _output = null;
        }
    }
}
