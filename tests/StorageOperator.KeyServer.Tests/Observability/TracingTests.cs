using System.Collections.Concurrent;
using System.Diagnostics;
using StorageOperator.KeyServer.Observability;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task Each_request_is_an_activity_tagged_with_route_identity_and_status()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KeyServerTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync();
        var app = TestPki.IdentityOf(TestPki.Instance.App);
        await (await server.App().Send("GET", "/v1/status")).AssertOk();

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(stopped.Any(a =>
            (string?)a.GetTagItem("kes.route") == "/v1/status"
            && (string?)a.GetTagItem("kes.identity") == app
            && a.GetTagItem("http.response.status_code") is 200))));
    }
}
