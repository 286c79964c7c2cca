using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Runtime.Status;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>What the user sees when something is wrong: exact reasons, every problem, no storms.</summary>
public sealed class FailureReportingTests(ITestOutputHelper output)
{
    private sealed class DenyingProbe : IKeyServerProbe
    {
        public Task<KeyServerProbeResult> CheckAsync(KeyServerProbeRequest request, CancellationToken ct) =>
            Task.FromResult(new KeyServerProbeResult(false, KeyServerProbeResult.ReasonPermissionDenied, $"generate answered 403: not authorized: insufficient permissions ({request.KeyName})"));
    }

    [Fact]
    public async Task Invalid_KeyServer_lists_every_problem_once_and_does_not_retry()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: KeyServer
            metadata:
              name: keys
            spec:
              tls:
                mode: Disabled
              keystore:
                memory: {}
              policies:
                - name: app
                  allow: ["key/generate/*"]
                  identities: ["not-hex"]
            """);
        var keys = await harness.WaitForCondition<KeyServer>("keys", ConditionTypes.Ready, "False", ConditionTypes.ReasonInvalidSpec);
        var message = Conditions.Find(keys.Status!.Conditions, ConditionTypes.Ready)!.Message;
        Assert.Contains("spec.tls.mode: Disabled is not allowed", message);
        Assert.Contains("spec.policies[0].allow[0]", message);
        Assert.Contains("spec.policies[0].identities[0]", message);
        MinimalExampleTests.AssertCondition(keys.Status.Conditions, ConditionTypes.Degraded, "True", ConditionTypes.ReasonInvalidSpec);
        await harness.WaitForEvent("keys", ConditionTypes.ReasonInvalidSpec);

        // Another event on the object re-runs the reconcile: same verdict (the status write is skipped as
        // unchanged), no second Event, nothing created. Terminal: no retries with backoff in between.
        await harness.MergePatch<KeyServer>("keys", new { metadata = new { annotations = new Dictionary<string, string> { ["touch"] = "1" } } });
        keys = await harness.WaitFor<KeyServer>("keys", k => k.Metadata.Annotations?.ContainsKey("touch") == true, "touched");
        await harness.WaitForCondition<KeyServer>("keys", ConditionTypes.Ready, "False", ConditionTypes.ReasonInvalidSpec);
        Assert.Single(await harness.EventsFor("keys"), e => e.Reason == ConditionTypes.ReasonInvalidSpec);
        Assert.Null(await harness.Get<V1StatefulSet>("keys"));
    }

    [Fact]
    public async Task Missing_key_server_and_a_failing_preflight_have_their_own_reasons()
    {
        // No propagation grace: the denial is reported as the failure it is at once.
        await using var fixture = await ReconcilerFixture.StartAsync(output, settings: ReconcilerFixture.Settings with { PolicyPropagation = TimeSpan.Zero }, probe: new DenyingProbe());
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: ObjectStore
            metadata:
              name: store
            spec:
              storage:
                volume:
                  size: 1Gi
              encryption:
                keyServerRef: {name: keys, namespace: kms}
                keyName: store-key
            """);
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.KeyServerReady, "False", ConditionNames.ReasonKeyServerNotFound);
        Assert.Contains("KeyServer kms/keys does not exist", Conditions.Find(store.Status!.Conditions, ConditionNames.KeyServerReady)!.Message);
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Ready, "False", "KeyServerNotReady");

        // The key server appears in another namespace; the identity is admitted, the preflight is denied.
        await harness.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kms" } });
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: KeyServer
            metadata:
              name: keys
            spec:
              keystore:
                memory: {}
            """, ns: "kms");
        store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.EncryptionReady, "False", KeyServerProbeResult.ReasonPermissionDenied);
        MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.KeyServerReady, "True", ConditionNames.ReasonIdentityAdmitted);
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Ready, "False", "EncryptionNotReady");
        var degraded = MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Degraded, "True", ConditionNames.ReasonComponentFailing);
        Assert.Contains("insufficient permissions (store-key)", degraded.Message);
        await harness.WaitForEvent("store", KeyServerProbeResult.ReasonPermissionDenied);
        var keys = await harness.Get<KeyServer>("keys", "kms");
        Assert.Equal("default/store", Assert.Single(keys!.Status!.Identities!).ObjectStore);
        // The key server's CA bundle crosses the namespace inside the store's client Secret.
        var kesClient = await harness.Get<V1Secret>("store-kes-client");
        Assert.Equal((await harness.Get<V1ConfigMap>("keys-ca", "kms"))!.Data["ca.crt"], System.Text.Encoding.UTF8.GetString(kesClient!.Data["ca.crt"]));
    }

    [Fact]
    public async Task A_denial_right_after_admission_is_waiting_for_the_policy_not_degraded()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output, probe: new DenyingProbe());
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: KeyServer
            metadata:
              name: keys
            spec:
              keystore:
                memory: {}
            ---
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: ObjectStore
            metadata:
              name: store
            spec:
              storage:
                volume:
                  size: 1Gi
              encryption:
                keyServerRef: {name: keys}
                keyName: store-key
            """);
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.EncryptionReady, "False", ConditionNames.ReasonPolicyPropagating);
        Assert.Contains("waiting for the key server to load its policy", Conditions.Find(store.Status!.Conditions, ConditionNames.EncryptionReady)!.Message);
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Degraded, "False", ConditionNames.ReasonAsExpected);
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Progressing, "True", ConditionNames.ReasonWaitingForDependencies);
        var keys = await harness.Get<KeyServer>("keys");
        Assert.NotNull(Assert.Single(keys!.Status!.Identities!).AdmittedAt);
    }
}
