namespace StorageOperator.TestCommon;

/// <summary>Polls a condition until it holds or a deadline passes (no fixed sleeps in tests).</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last = e;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"Timed out waiting for {what}.", last);
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        await UntilAsync<object>(async () => await probe() ? new object() : null, timeout, what, interval);
}
