using System.Buffers;

namespace StorageOperator.Storage.S3Gateway.IO;

/// <summary>
/// Holds one backend request body: pooled 1 MiB chunks up to <c>memoryLimit</c>, then a temporary
/// file (deleted on close) for the rest. A backend PUT needs the length before the first byte, and
/// our callers hand over streams of unknown length, so each part is buffered — in bounded memory.
/// </summary>
internal sealed class PartBuffer(long memoryLimit) : IDisposable
{
    private const int ChunkSize = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private FileStream? _spill;

    public long Length { get; private set; }

    /// <summary>Reads from <paramref name="source"/> until <paramref name="limit"/> bytes are held or it ends.</summary>
    /// <returns>true when the source ended.</returns>
    public async Task<bool> FillAsync(Stream source, long limit, CancellationToken ct)
    {
        while (Length < limit)
        {
            int read;
            if (Length < memoryLimit)
            {
                var index = (int)(Length / ChunkSize);
                var offset = (int)(Length % ChunkSize);
                if (index == _chunks.Count)
                {
                    _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                }
                var want = (int)Math.Min(ChunkSize - offset, Math.Min(limit, memoryLimit) - Length);
                read = await source.ReadAsync(_chunks[index].AsMemory(offset, want), ct).ConfigureAwait(false);
            }
            else
            {
                _spill ??= new FileStream(Path.Combine(Path.GetTempPath(), "storage-gateway-" + Guid.NewGuid().ToString("N")),
                    FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                var scratch = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    read = await source.ReadAsync(scratch.AsMemory(0, (int)Math.Min(ChunkSize, limit - Length)), ct).ConfigureAwait(false);
                    await RandomAccess.WriteAsync(_spill.SafeFileHandle, scratch.AsMemory(0, read), Length - memoryLimit, ct)
                        .ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }
            if (read == 0)
            {
                return true;
            }
            Length += read;
        }
        return false;
    }

    /// <summary>Forgets the content; memory chunks stay rented for the next fill.</summary>
    public void Reset()
    {
        Length = 0;
        _spill?.SetLength(0);
    }

    /// <summary>A seekable read-only view of the content (the SDK rewinds it on retries).</summary>
    public Stream OpenRead() => new Reader(this);

    public void Dispose()
    {
        foreach (var chunk in _chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        _chunks.Clear();
        _spill?.Dispose();
        _spill = null;
    }

    private int ReadAt(long position, Span<byte> destination)
    {
        if (position >= Length || destination.IsEmpty)
        {
            return 0;
        }
        if (position < memoryLimit)
        {
            var index = (int)(position / ChunkSize);
            var offset = (int)(position % ChunkSize);
            var n = (int)Math.Min(Math.Min(ChunkSize - offset, destination.Length), Math.Min(Length, memoryLimit) - position);
            _chunks[index].AsSpan(offset, n).CopyTo(destination);
            return n;
        }
        var count = (int)Math.Min(destination.Length, Length - position);
        return RandomAccess.Read(_spill!.SafeFileHandle, destination[..count], position - memoryLimit);
    }

    private sealed class Reader(PartBuffer buffer) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => buffer.Length;

        public override long Position
        {
            get => _position;
            set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] array, int offset, int count) => Read(array.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var n = buffer.ReadAt(_position, destination);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(destination.Span));

        public override Task<int> ReadAsync(byte[] array, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(array.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => buffer.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] array, int offset, int count) => throw new NotSupportedException();
    }
}
