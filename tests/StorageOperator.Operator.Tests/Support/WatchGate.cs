namespace StorageOperator.Operator.Tests.Support;

/// <summary>Holds back watch requests while closed, so a test can change the world between a drop and the reconnect.</summary>
public sealed class WatchGate : DelegatingHandler
{
    private volatile TaskCompletionSource _open = NewOpen();

    public WatchGate() => _open.TrySetResult();

    private static TaskCompletionSource NewOpen() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Held { get; private set; }

    public void Close() => _open = NewOpen();

    public void Open() => _open.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true && !_open.Task.IsCompleted)
        {
            Held++;
            await _open.Task.WaitAsync(cancellationToken);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
