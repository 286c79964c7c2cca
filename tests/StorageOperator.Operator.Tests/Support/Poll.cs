namespace StorageOperator.Operator.Tests.Support;

public static class Poll
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, Func<T, bool> condition, string what, TimeSpan? deadline = null) where T : class
    {
        var end = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        T? last = null;
        while (true)
        {
            last = await probe();
            if (last is not null && condition(last))
            {
                return last;
            }
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"timed out waiting for {what}; last: {(last is null ? "null" : k8s.KubernetesJson.Serialize(last))}");
            }
            await Task.Delay(50);
        }
    }
}
