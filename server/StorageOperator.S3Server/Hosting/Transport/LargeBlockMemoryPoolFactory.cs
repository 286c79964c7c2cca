using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace StorageOperator.S3Server.Hosting.Transport;

/// <summary>
/// Hands Kestrel (socket transport, TLS, HTTP/1 and HTTP/2) pools of <see cref="LargeBlockMemoryPool.BlockSize"/>
/// blocks. Registered in place of Kestrel's default factory.
/// </summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
