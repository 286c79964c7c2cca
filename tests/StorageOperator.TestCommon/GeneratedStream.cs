using System.Buffers.Binary;

namespace StorageOperator.TestCommon;

/// <summary>
/// A non-seekable stream of <paramref name="length"/> pseudo-random bytes where the byte at any
/// position can be recomputed (<see cref="Fill"/>), so multi-GiB objects are written and verified
/// without being held in memory. <see cref="OnProgress"/> runs every 64 MiB (memory sampling).
/// </summary>
public sealed class GeneratedStream(long length, ulong seed) : Stream
{
    private long _position;
    private long _nextProgress = ProgressStep;
    private const long ProgressStep = 64L << 20;

    public Action? OnProgress { get; init; }

    public static void Fill(Span<byte> buffer, long position, ulong seed)
    {
        while (buffer.Length > 0 && (position & 7) != 0)
        {
            buffer[0] = ByteAt(position, seed);
            buffer = buffer[1..];
            position++;
        }
        var word = (ulong)position >> 3;
        while (buffer.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, Mix(word++ ^ seed));
            buffer = buffer[8..];
            position += 8;
        }
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ByteAt(position + i, seed);
        }
    }

    private static byte ByteAt(long position, ulong seed) =>
        (byte)(Mix(((ulong)position >> 3) ^ seed) >> (int)((position & 7) * 8));

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        if (n <= 0)
        {
            return 0;
        }
        Fill(buffer[..n], _position, seed);
        _position += n;
        if (_position >= _nextProgress)
        {
            _nextProgress += ProgressStep;
            OnProgress?.Invoke();
        }
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
