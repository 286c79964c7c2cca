using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Telemetry;

namespace StorageOperator.Operator.Runtime.Hosting;

/// <summary>
/// Runs every registered controller: starts the shared informers, waits until each has listed,
/// then starts the workers. Cancelling stops new work; in-flight reconciles finish.
/// </summary>
public sealed partial class ControllerHost(IKubernetes client, ControllerHostOptions options, OperatorTelemetry telemetry, ILoggerFactory loggers)
{
    private readonly List<IController> _controllers = [];
    private readonly ILogger _logger = loggers.CreateLogger<ControllerHost>();
    private volatile bool _synced;

    public InformerFactory Informers { get; } = new(client, options, loggers);

    public IKubernetes Client { get; } = client;

    public ControllerHostOptions Options { get; } = options;

    public IReadOnlyList<IController> Controllers => _controllers;

    /// <summary>True once every informer has completed its first list.</summary>
    public bool IsSynced => _synced;

    public Controller<T> AddController<T>(string name, IReconciler<T> reconciler) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var controller = new Controller<T>(name, reconciler, Informers, Options, telemetry, loggers.CreateLogger($"Controller.{name}"));
        _controllers.Add(controller);
        return controller;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var informers = Informers.All;
        var informerTasks = informers.Select(i => Task.Run(() => i.RunAsync(ct), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(informers.Select(i => i.ReadyAsync(ct))).ConfigureAwait(false);
            _synced = true;
            LogSynced(informers.Count, _controllers.Count);
            using var drain = new CancellationTokenSource();
            using var stop = ct.Register(() =>
            {
                foreach (var controller in _controllers)
                {
                    controller.ShutDown();
                }
                drain.CancelAfter(Options.DrainTimeout);
            });
            await Task.WhenAll(_controllers.Select(c => c.RunWorkersAsync(drain.Token))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var controller in _controllers)
            {
                controller.ShutDown();
            }
            await Task.WhenAll(informerTasks).ConfigureAwait(false);
            LogStopped();
        }
    }

    [LoggerMessage(20, LogLevel.Information, "Informers synced ({Informers}); started {Controllers} controllers")]
    private partial void LogSynced(int informers, int controllers);

    [LoggerMessage(21, LogLevel.Information, "Controllers stopped")]
    private partial void LogStopped();
}
