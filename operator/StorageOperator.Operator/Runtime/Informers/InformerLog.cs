using Microsoft.Extensions.Logging;

namespace StorageOperator.Operator.Runtime.Informers;

internal static partial class InformerLog
{
    [LoggerMessage(1, LogLevel.Information, "Relisting {Informer}: resourceVersion expired")]
    public static partial void Relisting(ILogger logger, string informer);

    [LoggerMessage(2, LogLevel.Warning, "Watch of {Informer} failed; reconnecting with backoff")]
    public static partial void WatchFailed(ILogger logger, Exception e, string informer);

    [LoggerMessage(3, LogLevel.Warning, "Watch of {Informer} was silent for {Timeout}; restarting it")]
    public static partial void WatchSilent(ILogger logger, string informer, TimeSpan timeout);

    [LoggerMessage(4, LogLevel.Error, "Event handler of {Informer} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception e, string informer);
}
