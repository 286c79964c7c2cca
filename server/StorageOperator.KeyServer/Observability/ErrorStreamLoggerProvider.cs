namespace StorageOperator.KeyServer.Observability;

/// <summary>Feeds warnings and errors to /v1/log/error subscribers.</summary>
public sealed class ErrorStreamLoggerProvider(EventBroadcaster<ErrorEvent> stream, KeyServerMetrics metrics) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StreamLogger(stream, metrics);

    public void Dispose()
    {
    }

    private sealed class StreamLogger(EventBroadcaster<ErrorEvent> stream, KeyServerMetrics metrics) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            metrics.ErrorEvent();
            stream.Publish(new ErrorEvent(DateTimeOffset.UtcNow, logLevel.ToString(), formatter(state, exception)));
        }
    }
}
