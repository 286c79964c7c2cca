namespace StorageOperator.KeyServer.Tests.Infrastructure;

/// <summary>One server with the standard config, shared by the tests of one class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
