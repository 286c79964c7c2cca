using System.Buffers;
using StorageOperator.S3Server.Checksums;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>
/// The digest worker's buffers: every batch goes back to the pool exactly once, also when the upload is cancelled while
/// the worker is behind (a batch returned twice would later be handed to two requests at once).
/// </summary>
public sealed class BodyDigestsTests
{
    [Fact]
    public async Task A_cancelled_completion_with_a_full_queue_returns_every_batch_once()
    {
        var pool = new TrackingPool();
        using var gate = new ManualResetEventSlim();
        var digests = new BodyDigests([new BlockingChecksum(gate)], null, pool);
        var chunk = new byte[BodyDigests.BatchSize];

        // one batch in the worker's hands (blocked), the queue full behind it
        for (var i = 0; i < BodyDigests.MaxQueuedBatches + 1; i++)
        {
            await digests.AppendAsync(chunk, CancellationToken.None);
        }

        await digests.AppendAsync(chunk.AsSpan(0, 1000).ToArray(), CancellationToken.None); // a partial last batch
        using var cancel = new CancellationTokenSource();
        var completion = digests.CompleteAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completion);
        gate.Set();
        await digests.DisposeAsync();

        Assert.Empty(pool.DoubleReturns);
        Assert.Equal(pool.Rented, pool.Returned);
    }

    private sealed class BlockingChecksum(ManualResetEventSlim gate) : IChecksum
    {
        public void Append(ReadOnlySpan<byte> data) => gate.Wait(TimeSpan.FromSeconds(30));

        public byte[] Finish() => [];
    }

    /// <summary>Hands out fresh arrays and records every return, flagging an array returned while not rented.</summary>
    private sealed class TrackingPool : ArrayPool<byte>
    {
        private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);

        public List<byte[]> DoubleReturns { get; } = [];

        public int Rented { get; private set; }

        public int Returned { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            var array = new byte[minimumLength];
            lock (_out)
            {
                _out.Add(array);
                Rented++;
            }

            return array;
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            lock (_out)
            {
                Returned++;
                if (!_out.Remove(array))
                {
                    DoubleReturns.Add(array);
                }
            }
        }
    }
}
