using StorageOperator.Bench.Processes;

namespace StorageOperator.Bench.Servers;

public static class Readiness
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="probe"/> until it says ready, the process exits, or the deadline passes.</summary>
    public static async Task WaitAsync(ChildProcess process, string name, Func<CancellationToken, Task<bool>> probe)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!deadline.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                throw new ServerStartException($"{name} exited during start-up. Log tail:\n{process.LogTail()}");
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                if (await probe(attempt.Token))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, CancellationToken.None);
        }

        throw new ServerStartException($"{name} was not ready after {Deadline.TotalSeconds:0} s. Log tail:\n{process.LogTail()}");
    }
}
