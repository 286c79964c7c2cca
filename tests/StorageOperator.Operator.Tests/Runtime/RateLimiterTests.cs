using StorageOperator.Operator.Runtime.Informers;
using StorageOperator.Operator.Runtime.Queues;
using Xunit;

namespace StorageOperator.Operator.Tests.Runtime;

public sealed class RateLimiterTests
{
    [Fact]
    public void Backoff_doubles_per_failure_up_to_the_cap()
    {
        var limiter = new RateLimiter<string>(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
        var delays = Enumerable.Range(0, 8).Select(_ => limiter.When("a").TotalMilliseconds).ToArray();
        Assert.Equal([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000], delays);
        Assert.Equal(8, limiter.NumRequeues("a"));
    }

    [Fact]
    public void Keys_back_off_independently_and_forget_resets_one_key()
    {
        var limiter = new RateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        limiter.When("a");
        limiter.When("a");
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.When("b"));
        Assert.Equal(TimeSpan.FromSeconds(4), limiter.When("a"));

        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.When("a"));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.When("b"));
    }

    [Fact]
    public void Many_failures_do_not_overflow()
    {
        var limiter = new RateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromMinutes(16));
        for (var i = 0; i < 200; i++)
        {
            limiter.When("a");
        }
        Assert.Equal(TimeSpan.FromMinutes(16), limiter.When("a"));
    }

    [Fact]
    public void Reconnect_backoff_with_jitter_stays_between_half_and_full_exponential_delay()
    {
        var random = new Random(42);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var full = Math.Min(100 * Math.Pow(2, attempt), 5000);
            for (var i = 0; i < 50; i++)
            {
                var delay = Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), random).TotalMilliseconds;
                Assert.InRange(delay, full / 2, full);
            }
        }
    }
}
