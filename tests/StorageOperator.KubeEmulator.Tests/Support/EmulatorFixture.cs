using k8s;
using k8s.Models;
using StorageOperator.KubeEmulator.Hosting;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Support;

/// <summary>One emulator per test class; each test works in its own namespace.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private KubeApiEmulator? _emulator;
    private IKubernetes? _client;

    public KubeApiEmulator Emulator => _emulator ?? throw new InvalidOperationException("not started");

    public IKubernetes Client => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _emulator = await KubeApiEmulator.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(300) });
        _client = _emulator.CreateClient();
    }

    public async Task<string> NewNamespaceAsync()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
