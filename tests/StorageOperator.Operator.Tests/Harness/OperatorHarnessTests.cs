using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Hosting;
using StorageOperator.Operator.Runtime.Status;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Harness;

/// <summary>The operator end to end against the API emulator: YAML in, conditions out.</summary>
public sealed class OperatorHarnessTests(ITestOutputHelper output)
{
    private const string ValidStore = """
        apiVersion: storage.storageoperator.io/v1alpha1
        kind: ObjectStore
        metadata:
          name: store
        spec:
          replicas: 1
          storage:
            volume:
              size: 10Gi
        """;

    [Fact]
    public async Task ObjectStore_gets_finalizer_and_pending_conditions_stamped_with_the_generation()
    {
        await using var harness = await OperatorHarness.StartAsync(output);
        await harness.ApplyYamlAsync(ValidStore);

        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "False", ConditionNames.ReasonWorkloadNotReady);
        Assert.Contains(ApiGroup.Finalizer, store.Metadata.Finalizers);
        Assert.Equal("True", Conditions.Find(store.Status!.Conditions, ConditionTypes.Progressing)?.Status);
        Assert.Equal("Progressing", store.Status.Phase);
        var firstTransition = Conditions.Find(store.Status.Conditions, ConditionTypes.Ready)!.LastTransitionTime;

        // A spec change is a new generation; the conditions follow it, the transition time does not move.
        await harness.MergePatch<ObjectStore>("store", new { spec = new { replicas = 2 } });
        store = await harness.WaitFor<ObjectStore>("store", s => s.Metadata.Generation == 2 && s.Status?.ObservedGeneration == 2, "observedGeneration 2");
        var ready = Conditions.Find(store.Status!.Conditions, ConditionTypes.Ready)!;
        Assert.Equal(2, ready.ObservedGeneration);
        Assert.Equal(firstTransition, ready.LastTransitionTime);
    }

    [Fact]
    public async Task Health_and_readiness_endpoints_answer_once_informers_are_synced()
    {
        await using var harness = await OperatorHarness.StartAsync(output);
        using var http = new HttpClient { BaseAddress = new Uri(harness.MetricsUrl) };
        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        await Support.Poll.UntilAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode ? "ready" : null, _ => true, "readyz");
    }

    [Fact]
    public async Task Invalid_spec_is_reported_once_as_InvalidSpec_listing_every_problem()
    {
        await using var harness = await OperatorHarness.StartAsync(output);
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: ObjectStore
            metadata:
              name: broken
            spec:
              tls:
                mode: CertManager
                selfSignedCA:
                  duration: 1h
                  renewBefore: 2h
              storage:
                volume:
                  size: 10Gi
            """);

        var store = await harness.WaitForCondition<ObjectStore>("broken", ConditionTypes.Ready, "False", ConditionTypes.ReasonInvalidSpec);
        var message = Conditions.Find(store.Status!.Conditions, ConditionTypes.Ready)!.Message;
        Assert.Contains("spec.tls.selfSignedCA: only valid when mode is SelfSignedCA", message);
        Assert.Contains("spec.tls.selfSignedCA.renewBefore: must be shorter than duration", message);
        Assert.Contains("spec.tls.certManager: required when mode is CertManager", message);
        Assert.Equal("False", Conditions.Find(store.Status.Conditions, ConditionTypes.Progressing)?.Status);
        Assert.Equal("Failed", store.Status.Phase);
        Assert.Contains(ApiGroup.Finalizer, store.Metadata.Finalizers);

        var metrics = await harness.ScrapeMetricsAsync();
        Assert.Contains("result=\"terminal\"", metrics);
        Assert.Contains("storage_operator_reconcile_duration_seconds_bucket", metrics);
        Assert.Contains("storage_operator_workqueue_depth", metrics);

        // Fixing the spec is a new generation and recovers without a restart.
        await harness.MergePatch<ObjectStore>("broken", new { spec = new { tls = new { mode = "SelfSignedCA", selfSignedCA = new { renewBefore = "20m" } } } });
        await harness.WaitForCondition<ObjectStore>("broken", ConditionTypes.Ready, "False", ConditionNames.ReasonWorkloadNotReady);
    }

    [Fact]
    public async Task Deleting_runs_finalization_and_leaves_foreign_finalizers_in_place()
    {
        await using var harness = await OperatorHarness.StartAsync(output);
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: KeyServer
            metadata:
              name: keys
              finalizers: ["example.com/keep"]
            spec:
              keystore:
                memory: {}
            """);
        var server = await harness.WaitFor<KeyServer>("keys", k => k.Metadata.Finalizers?.Contains(ApiGroup.Finalizer) == true, "our finalizer");
        Assert.Equal(["example.com/keep", ApiGroup.Finalizer], server.Metadata.Finalizers);

        await harness.Delete<KeyServer>("keys");
        server = await harness.WaitFor<KeyServer>("keys", k => k.Metadata.Finalizers?.Contains(ApiGroup.Finalizer) == false, "our finalizer removed");
        Assert.NotNull(server.Metadata.DeletionTimestamp);
        Assert.Equal(["example.com/keep"], server.Metadata.Finalizers);

        await harness.MergePatch<KeyServer>("keys", new { metadata = new { finalizers = Array.Empty<string>() } });
        await harness.WaitUntilGone<KeyServer>("keys");
    }

    [Fact]
    public async Task Leader_election_acquires_the_lease_and_then_reconciles()
    {
        await using var harness = await OperatorHarness.StartAsync(output, new OperatorOptions { LeaderElect = true, LeaderElectionNamespace = "kube-system" });

        var lease = await Support.Poll.UntilAsync(
            async () => await TryReadLease(harness.Client),
            l => !string.IsNullOrEmpty(l.Spec?.HolderIdentity),
            "the leader Lease to be held");
        Assert.True(lease.Spec.LeaseDurationSeconds > 0);

        await harness.ApplyYamlAsync(ValidStore);
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "False", ConditionNames.ReasonWorkloadNotReady);

        // Graceful shutdown hands the Lease back instead of letting it run out.
        await harness.Operator!.StopAsync();
        lease = (await TryReadLease(harness.Client))!;
        Assert.True(string.IsNullOrEmpty(lease.Spec.HolderIdentity), $"lease still held by {lease.Spec.HolderIdentity}");
    }

    private static async Task<V1Lease?> TryReadLease(IKubernetes client)
    {
        try
        {
            return await client.CoordinationV1.ReadNamespacedLeaseAsync("storage-operator-leader", "kube-system");
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
