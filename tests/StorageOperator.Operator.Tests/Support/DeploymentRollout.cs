using k8s;
using k8s.Models;

namespace StorageOperator.Operator.Tests.Support;

/// <summary>
/// Plays the Deployment controller and kubelet the emulator does not run: every Deployment whose
/// status lags its generation or replica count is marked rolled out with all replicas available.
/// </summary>
public sealed class DeploymentRollout : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DeploymentRollout(IKubernetes client)
    {
        var ct = _stop.Token;
        _loop = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var deployments = await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: ct);
                    foreach (var d in deployments.Items.Where(d => (d.Status?.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0) || d.Status?.Replicas != (d.Spec.Replicas ?? 1)))
                    {
                        await MarkReadyAsync(client, d);
                    }
                    await Task.Delay(100, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
                {
                    // A conflicting write; the next round catches up.
                }
            }
        });
    }

    private static Task MarkReadyAsync(IKubernetes client, V1Deployment d)
    {
        var replicas = d.Spec.Replicas ?? 1;
        var patch = new
        {
            status = new
            {
                observedGeneration = d.Metadata.Generation,
                replicas,
                readyReplicas = replicas,
                availableReplicas = replicas,
                updatedReplicas = replicas,
            },
        };
        return client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), d.Metadata.Name, d.Metadata.NamespaceProperty);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
