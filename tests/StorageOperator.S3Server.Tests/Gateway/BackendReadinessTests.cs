using Microsoft.Extensions.Logging.Abstractions;
using StorageOperator.S3Server.Hosting;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>Readiness probes of the backend: cached, shared by concurrent checks, bounded in time.</summary>
public sealed class BackendReadinessTests
{
    private sealed class SteppedTime : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public async Task Results_are_cached_for_a_few_seconds_then_probed_again()
    {
        var time = new SteppedTime();
        var probes = 0;
        string? answer = "backend down";
        var readiness = new BackendReadiness(_ => { probes++; return Task.FromResult<string?>(answer); }, time, NullLogger<BackendReadiness>.Instance);

        Assert.Equal("backend down", await readiness.CheckAsync(CancellationToken.None));
        answer = null;
        Assert.Equal("backend down", await readiness.CheckAsync(CancellationToken.None));
        Assert.Equal(1, probes);

        time.Ticks += BackendReadiness.CacheFor.Ticks;
        Assert.Null(await readiness.CheckAsync(CancellationToken.None));
        Assert.Equal(2, probes);
    }

    [Fact]
    public async Task Concurrent_checks_share_one_probe()
    {
        var probes = 0;
        var release = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readiness = new BackendReadiness(_ => { Interlocked.Increment(ref probes); return release.Task; }, new SteppedTime(),
            NullLogger<BackendReadiness>.Instance);

        var checks = Enumerable.Range(0, 5).Select(_ => readiness.CheckAsync(CancellationToken.None)).ToArray();
        release.SetResult(null);
        Assert.All(await Task.WhenAll(checks), Assert.Null);
        Assert.Equal(1, probes);
    }

    [Fact]
    public async Task A_hanging_backend_is_not_ready_once_the_probe_times_out()
    {
        var readiness = new BackendReadiness(async ct => { await Task.Delay(Timeout.Infinite, ct); return null; }, TimeProvider.System,
            NullLogger<BackendReadiness>.Instance);
        var reason = await readiness.CheckAsync(CancellationToken.None);
        Assert.Contains("did not answer", reason);
    }

    [Fact]
    public async Task Without_a_probe_the_backend_is_always_ready()
    {
        var readiness = new BackendReadiness(null, TimeProvider.System, NullLogger<BackendReadiness>.Instance);
        Assert.Null(await readiness.CheckAsync(CancellationToken.None));
    }
}
