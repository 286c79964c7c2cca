using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Runtime.Hosting;

namespace StorageOperator.Operator.Hosting;

/// <summary>
/// Runs the controllers, under leader election when enabled. Losing the lease stops the whole
/// process (caches and queues are not safe to reuse for a later term).
/// </summary>
public sealed partial class OperatorService(
    ControllerHost host,
    OperatorOptions options,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<OperatorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.LeaderElect)
        {
            await host.RunAsync(stoppingToken).ConfigureAwait(false);
            return;
        }
        var election = (Runtime.LeaderElection.LeaderElection)services.GetService(typeof(Runtime.LeaderElection.LeaderElection))!;
        await election.RunAsync(host.RunAsync, stoppingToken).ConfigureAwait(false);
        if (!stoppingToken.IsCancellationRequested)
        {
            LogExiting();
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(50, LogLevel.Warning, "Leadership lost; stopping")]
    private partial void LogExiting();
}
