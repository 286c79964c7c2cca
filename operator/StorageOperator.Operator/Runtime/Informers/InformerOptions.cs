namespace StorageOperator.Operator.Runtime.Informers;

public sealed record InformerOptions
{
    /// <summary>Page size of the initial and every re-list.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Server-side watch timeout; the watch is re-opened from the last resourceVersion after it.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A watch that delivers nothing (not even a bookmark) for this long is presumed dead (half-open
    /// TCP, stuck proxy) and restarted. Bookmarks arrive about once a minute on a real API server.
    /// </summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
}
