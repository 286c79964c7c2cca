using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace StorageOperator.S3Server.Checksums;

/// <summary>
/// The MD5 and checksums of a request body, computed beside the thread that receives it. MD5 runs at well under a
/// gigabyte per second on one core and cannot be split, so computed inline it caps a PUT at its own speed and keeps
/// the receiving thread (TLS, chunk signatures, the disk write) waiting on it. Here the body is copied into batches
/// that a worker hashes in order while the next bytes arrive; at most <see cref="MaxQueuedBatches"/> batches wait, so
/// memory stays flat and a slow hasher slows the upload instead of buffering it.
/// Bodies shorter than one batch never start a worker: their bytes are hashed on the caller's thread at the end.
/// Calls must not overlap (one reader, as a stream has); <see cref="CompleteAsync"/> must finish before results are read.
/// </summary>
internal sealed class BodyDigests : IAsyncDisposable
{
    /// <summary>A quarter of a MiB: MD5 takes about a third of a millisecond per batch, hand-offs stay rare.</summary>
    public const int BatchSize = 256 * 1024;

    public const int MaxQueuedBatches = 4;

    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly IChecksum[] _checksums;
    private readonly ArrayPool<byte> _pool;
    private readonly bool _parallel;
    private byte[]? _batch;
    private int _batchCount;
    private Channel<(byte[] Buffer, int Count)>? _queue;
    private Task? _worker;
    private volatile bool _abandoned;
    private bool _completed;
    private bool _disposed;

    /// <param name="expectedLength">the declared body length when known; a body known to be short is hashed inline.</param>
    /// <param name="pool">where batches come from (the shared pool unless a test watches it).</param>
    public BodyDigests(IChecksum[] checksums, long? expectedLength, ArrayPool<byte>? pool = null)
    {
        _checksums = checksums;
        _pool = pool ?? ArrayPool<byte>.Shared;
        _parallel = expectedLength is not { } length || length >= BatchSize;
    }

    public bool Completed => _completed;

    /// <summary>False once <see cref="DisableMd5"/> was called.</summary>
    public bool Md5Enabled { get; private set; } = true;

    /// <summary>Leaves MD5 out. Only before the first byte.</summary>
    public void DisableMd5() => Md5Enabled = false;

    /// <summary>Takes the bytes (copied when a worker will hash them, so the caller may reuse its buffer at once).</summary>
    public ValueTask AppendAsync(ReadOnlySpan<byte> data, CancellationToken cancellationToken)
    {
        if (!_parallel)
        {
            Hash(data);
            return ValueTask.CompletedTask;
        }

        while (!data.IsEmpty)
        {
            _batch ??= _pool.Rent(BatchSize);
            var n = Math.Min(data.Length, BatchSize - _batchCount);
            data[..n].CopyTo(_batch.AsSpan(_batchCount));
            _batchCount += n;
            data = data[n..];
            if (_batchCount == BatchSize)
            {
                var full = _batch;
                _batch = null;
                _batchCount = 0;
                var post = PostAsync(full, BatchSize, cancellationToken);
                if (!post.IsCompletedSuccessfully)
                {
                    // the queue is full: wait, then take the rest (a span cannot cross an await, so copy what is left)
                    return AppendRestAsync(post, data.ToArray(), cancellationToken);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask AppendRestAsync(ValueTask post, byte[] rest, CancellationToken cancellationToken)
    {
        await post.ConfigureAwait(false);
        await AppendAsync(rest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hashes what is left and waits for the worker; after this the results can be read.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        if (_queue is null)
        {
            // never left the caller's thread: hash the short tail here
            if (_batch is not null)
            {
                Hash(_batch.AsSpan(0, _batchCount));
            }
        }
        else
        {
            if (_batchCount > 0)
            {
                // the queue owns the batch from here (and returns it to the pool even when the post is cancelled)
                var last = _batch!;
                var count = _batchCount;
                _batch = null;
                _batchCount = 0;
                await PostAsync(last, count, cancellationToken).ConfigureAwait(false);
            }

            _queue.Writer.TryComplete();
            await _worker!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        ReturnBatch();
        _completed = true;
    }

    /// <summary>For readers that never saw EOF as an async read (e.g. a consumer that stops at the declared length).</summary>
    public void Complete() => CompleteAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public byte[] Md5()
    {
        EnsureCompleted();
        return _md5.GetHashAndReset();
    }

    public byte[] Checksum(int index)
    {
        EnsureCompleted();
        return _checksums[index].Finish();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_worker is not null && !_completed)
        {
            // an abandoned upload: let the worker return its buffers without hashing them
            _abandoned = true;
            _queue!.Writer.TryComplete();
            await _worker.ConfigureAwait(false);
        }

        ReturnBatch();
        _md5.Dispose();
    }

    private void EnsureCompleted()
    {
        if (!_completed)
        {
            Complete();
        }
    }

    private ValueTask PostAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            _queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(MaxQueuedBatches)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _worker = Task.Run(HashQueueAsync, CancellationToken.None);
        }

        return _queue.Writer.TryWrite((buffer, count)) ? ValueTask.CompletedTask : WriteSlowAsync(buffer, count, cancellationToken);
    }

    private async ValueTask WriteSlowAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            await _queue!.Writer.WriteAsync((buffer, count), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pool.Return(buffer);
            throw;
        }
    }

    private async Task HashQueueAsync()
    {
        await foreach (var (buffer, count) in _queue!.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (!_abandoned)
            {
                Hash(buffer.AsSpan(0, count));
            }

            _pool.Return(buffer);
        }
    }

    private void Hash(ReadOnlySpan<byte> data)
    {
        if (Md5Enabled)
        {
            _md5.AppendData(data);
        }

        foreach (var c in _checksums)
        {
            c.Append(data);
        }
    }

    private void ReturnBatch()
    {
        if (_batch is not null)
        {
            _pool.Return(_batch);
            _batch = null;
            _batchCount = 0;
        }
    }
}
