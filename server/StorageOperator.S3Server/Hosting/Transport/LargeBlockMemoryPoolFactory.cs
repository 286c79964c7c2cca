using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace StorageOperator.S3Server.Hosting.Transport;

/// <summary>
/// Hands Kestrel (socket transport, TLS, HTTP/1 and HTTP/2) pools of <see cref="LargeBlockMemoryPool.BlockSize"/>
/// blocks. Registered in place of Kestrel's default factory.
/// </summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    private int _created;

    /// <summary>How many pools Kestrel asked for (proof, in tests, that it uses this factory and not its default).</summary>
    public int PoolsCreated => Volatile.Read(ref _created);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        Interlocked.Increment(ref _created);
        return new LargeBlockMemoryPool();
    }
}
