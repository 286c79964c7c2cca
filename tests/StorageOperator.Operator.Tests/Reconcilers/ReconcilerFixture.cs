using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Hosting;
using StorageOperator.Operator.Tests.Harness;
using StorageOperator.Operator.Tests.Support;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>
/// Starts the harness with reconciler settings for tests (short requeues) and the real KES preflight,
/// whose TCP connections go to an in-process key server "pod" once the test starts one.
/// </summary>
public sealed class ReconcilerFixture : IAsyncDisposable
{
    private KeyServerPod? _pod;

    private ReconcilerFixture(OperatorHarness harness) => Harness = harness;

    public OperatorHarness Harness { get; }

    public static ReconcileSettings Settings { get; } = new() { PendingRequeue = TimeSpan.FromMilliseconds(300) };

    public static async Task<ReconcilerFixture> StartAsync(ITestOutputHelper output, TimeProvider? time = null, ReconcileSettings? settings = null, IKeyServerProbe? probe = null)
    {
        ReconcilerFixture? fixture = null;
        var harness = await OperatorHarness.StartAsync(output, new OperatorOptions(), services =>
        {
            services.AddSingleton(settings ?? Settings);
            if (time is not null)
            {
                services.AddSingleton(time);
            }
            services.AddSingleton(probe ?? new KesKeyServerProbe((_, _) => fixture?._pod?.EndPoint ?? throw new SocketException((int)SocketError.ConnectionRefused)));
        });
        fixture = new ReconcilerFixture(harness);
        harness.RunStatefulSetController();
        return fixture;
    }

    /// <summary>Starts the key server from what the operator wrote for KeyServer <paramref name="name"/>.</summary>
    public async Task<KeyServerPod> StartKeyServerPodAsync(string name, ITestOutputHelper output, string ns = "default")
    {
        _pod = await KeyServerPod.StartAsync(Harness.Client, name, ns, output);
        return _pod;
    }

    public async ValueTask DisposeAsync()
    {
        // The pod first: its sync loop reads from the emulator the harness stops.
        if (_pod is not null)
        {
            await _pod.DisposeAsync();
        }
        await Harness.DisposeAsync();
    }
}
