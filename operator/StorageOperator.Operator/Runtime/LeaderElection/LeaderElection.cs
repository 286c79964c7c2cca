using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace StorageOperator.Operator.Runtime.LeaderElection;

/// <summary>
/// Runs <paramref name="lead"/> only while this process holds the coordination.k8s.io/v1 Lease,
/// using the library's LeaderElector and LeaseLock. Losing the lease cancels the work; the caller
/// then exits, as controller-runtime does, so a fresh process re-lists from scratch.
/// </summary>
public sealed partial class LeaderElection(IKubernetes client, LeaderElectionOptions options, ILogger<LeaderElection> logger)
{
    public bool IsLeader { get; private set; }

    public LeaderElectionOptions Options => options;

    /// <returns>When leadership was lost or <paramref name="ct"/> was cancelled.</returns>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken ct)
    {
        var @lock = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(@lock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? work = null;
        var led = false;
        elector.OnStartedLeading += () =>
        {
            IsLeader = true;
            led = true;
            LogStarted(options.Identity, options.LeaseNamespace, options.LeaseName);
            work = Task.Run(() => lead(leading.Token), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            IsLeader = false;
            if (!ct.IsCancellationRequested)
            {
                LogStopped(options.Identity);
            }
            leading.Cancel();
        };
        elector.OnError += e => LogError(e);

        try
        {
            await elector.RunUntilLeadershipLostAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            IsLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            if (work is not null)
            {
                await work.ConfigureAwait(false);
            }
            if (led && ct.IsCancellationRequested)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// On graceful shutdown, give the Lease up (client-go's ReleaseOnCancel) so a standby takes
    /// over at once instead of after LeaseDuration. Only after our workers have stopped.
    /// </summary>
    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.RenewDeadline);
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            LogReleased(options.Identity);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Best effort: the Lease expires on its own.
            LogError(e);
        }
    }

    [LoggerMessage(40, LogLevel.Information, "Acquired leadership as {Identity} on Lease {Namespace}/{Name}")]
    private partial void LogStarted(string identity, string @namespace, string name);

    [LoggerMessage(41, LogLevel.Warning, "Lost leadership as {Identity}")]
    private partial void LogStopped(string identity);

    [LoggerMessage(43, LogLevel.Information, "Released the Lease as {Identity}")]
    private partial void LogReleased(string identity);

    [LoggerMessage(42, LogLevel.Warning, "Leader election error")]
    private partial void LogError(Exception e);
}
