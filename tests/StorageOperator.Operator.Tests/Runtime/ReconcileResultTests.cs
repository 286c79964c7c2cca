using StorageOperator.Operator.Runtime.Queues;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Tests.Support;
using Xunit;

namespace StorageOperator.Operator.Tests.Runtime;

public sealed class ReconcileResultTests
{
    private static (WorkQueue<string> Queue, ManualTimeProvider Time) NewQueue()
    {
        var time = new ManualTimeProvider();
        return (new WorkQueue<string>(new RateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), time), time);
    }

    private static async Task<string> Take(WorkQueue<string> queue)
    {
        queue.Add("k");
        var (_, key) = await queue.GetAsync(CancellationToken.None);
        return key;
    }

    [Fact]
    public async Task Retry_backs_off_exponentially_and_done_forgets_the_failures()
    {
        var (queue, time) = NewQueue();
        using var _ = queue;
        var key = await Take(queue);

        ResultApplier.Apply(queue, key, ReconcileResult.Retry("boom"));
        queue.Done(key);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        key = (await queue.GetAsync(CancellationToken.None)).Key;

        ResultApplier.Apply(queue, key, ReconcileResult.Retry("boom"));
        queue.Done(key);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        key = (await queue.GetAsync(CancellationToken.None)).Key;

        ResultApplier.Apply(queue, key, ReconcileResult.Done);
        queue.Done(key);
        Assert.Equal(0, queue.RateLimiter.NumRequeues(key));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task RequeueAfter_comes_back_after_the_delay_without_counting_as_failure()
    {
        var (queue, time) = NewQueue();
        using var _ = queue;
        var key = await Take(queue);
        ResultApplier.Apply(queue, key, ReconcileResult.RequeueAfter(TimeSpan.FromMinutes(5)));
        queue.Done(key);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.RateLimiter.NumRequeues(key));
    }

    [Fact]
    public async Task Terminal_is_not_requeued()
    {
        var (queue, time) = NewQueue();
        using var _ = queue;
        var key = await Take(queue);
        ResultApplier.Apply(queue, key, ResultApplier.FromException(new TerminalReconcileException("invalid")));
        queue.Done(key);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public void Ordinary_exceptions_retry_and_terminal_exceptions_do_not()
    {
        Assert.Equal(ReconcileOutcome.Retry, ResultApplier.FromException(new InvalidOperationException()).Outcome);
        var terminal = ResultApplier.FromException(new TerminalReconcileException("spec.x: bad"));
        Assert.Equal(ReconcileOutcome.Terminal, terminal.Outcome);
        Assert.Equal("spec.x: bad", terminal.Reason);
    }

    [Fact]
    public void RequeueAfter_rejects_non_positive_delays()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconcileResult.RequeueAfter(TimeSpan.Zero));
        Assert.Equal("requeue_after", ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(1)).Label);
    }
}
