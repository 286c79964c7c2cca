using StorageOperator.S3Server.Hosting.Transport;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>Kestrel's 64 KiB block pool: whole blocks, reuse after return, one return per lease.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_whole_and_reused_after_return()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();

        var first = pool.Rent(100);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose(); // a second dispose of the same lease must not put the block in the free list twice

        var second = pool.Rent();
        var third = pool.Rent();
        Assert.Equal(42, second.Memory.Span[0]); // the returned block, not a new one
        Assert.False(second.Memory.Equals(third.Memory));
    }

    [Fact]
    public void Requests_larger_than_a_block_are_refused()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }
}

/// <summary>The server really hands Kestrel the 64 KiB pools (a change in registration order would silently fall back to 4 KiB).</summary>
public sealed class KestrelPoolRegistrationTests
{
    [Fact]
    public async Task Kestrel_takes_its_pools_from_the_large_block_factory()
    {
        using var dir = new StorageOperator.TestCommon.TempDirectory();
        var options = new StorageOperator.S3Server.Hosting.S3ServerOptions(
            Path.Combine(dir.Path, "data"), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), Path.Combine(dir.Path, "certs"),
            new StorageOperator.S3Server.Hosting.Credentials("pool-test-user", "pool-test-password"));
        Directory.CreateDirectory(options.DataDirectory);
        await using var app = StorageOperator.S3Server.Hosting.S3ServerHost.Build(options);
        await app.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(app.Urls.First() + "/minio/health/live"));

        var factory = Assert.IsType<LargeBlockMemoryPoolFactory>(app.Services.GetService(typeof(Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>)));
        Assert.True(response.IsSuccessStatusCode);
        Assert.True(factory.PoolsCreated > 0, "Kestrel created its pools elsewhere");
        await app.StopAsync();
    }
}
