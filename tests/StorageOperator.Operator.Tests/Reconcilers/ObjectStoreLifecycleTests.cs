using System.Text;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Status;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>Children come back, configuration rolls pods, restarts converge, deletion honours the policy.</summary>
public sealed class ObjectStoreLifecycleTests(ITestOutputHelper output)
{
    private const string Store = """
        apiVersion: storage.storageoperator.io/v1alpha1
        kind: ObjectStore
        metadata:
          name: store
        spec:
          storage:
            volume:
              size: 10Gi
        """;

    [Fact]
    public async Task Deleted_children_are_recreated()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync(Store);
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var uid = (await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default")).Metadata.Uid;

        await harness.Client.CoreV1.DeleteNamespacedSecretAsync("store-client", "default");
        await harness.Client.CoreV1.DeleteNamespacedServiceAsync("store", "default");
        await harness.Client.CoreV1.DeleteNamespacedConfigMapAsync("store-ca", "default");
        await harness.Client.AppsV1.DeleteNamespacedStatefulSetAsync("store", "default");

        await harness.WaitFor<V1Secret>("store-client", _ => true, "client Secret recreated");
        await harness.WaitFor<V1Service>("store", _ => true, "Service recreated");
        await harness.WaitFor<V1ConfigMap>("store-ca", m => m.Data?["ca.crt"].Contains("BEGIN CERTIFICATE", StringComparison.Ordinal) == true, "CA bundle recreated");
        await harness.WaitFor<V1StatefulSet>("store", s => s.Metadata.Uid != uid, "StatefulSet recreated");
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
    }

    [Fact]
    public async Task Configuration_changes_roll_the_pods_through_the_template_hash()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync(Store);
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var first = await Hash(harness.Client);

        // Switching to user-supplied credentials (a spec change) changes what the pods read at start.
        await harness.ApplyYamlAsync("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: root
            stringData:
              accessKey: ADMINADMIN
              secretKey: a-long-enough-secret-key
            """);
        await harness.MergePatch<ObjectStore>("store", new { spec = new { credentials = new { secretRef = new { name = "root" } } } });
        var second = await WaitForHashChange(harness, first);
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var client = await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-client", "default");
        Assert.Equal("ADMINADMIN", Encoding.UTF8.GetString(client.Data["AWS_ACCESS_KEY_ID"]));

        // Editing the referenced (not owned) Secret rolls them again: referenced objects are watched.
        await harness.MergePatch<V1Secret>("root", new { stringData = new { secretKey = "another-long-secret-key" } });
        await WaitForHashChange(harness, second);
        await harness.WaitForEvent("store", "ConfigurationChanged");
    }

    [Fact]
    public async Task An_operator_restart_mid_reconcile_converges_without_reissuing()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync(Store);
        // Stop as soon as the first child exists: the reconcile that wrote it may still be running.
        var tls = await harness.WaitFor<V1Secret>("store-tls", _ => true, "server certificate Secret");
        await harness.RestartOperatorAsync();

        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var after = await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-tls", "default");
        Assert.Equal(tls.Data["tls.crt"], after.Data["tls.crt"]);
        Assert.Single((await harness.Client.CoreV1.ListNamespacedSecretAsync("default")).Items, s => s.Metadata.Name == Names.NamespaceCaSecret);
        Assert.Contains(ApiGroup.Finalizer, store.Metadata.Finalizers);
    }

    [Fact]
    public async Task Deletion_keeps_volumes_by_default_deletes_them_on_request_and_revokes_the_identity()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
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
              name: kept
            spec:
              storage:
                volume:
                  size: 1Gi
              encryption:
                keyServerRef: {name: keys}
                keyName: kept-key
            ---
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: ObjectStore
            metadata:
              name: dropped
            spec:
              deletionPolicy: Delete
              storage:
                volume:
                  size: 1Gi
            """);
        await fixture.StartKeyServerPodAsync("keys", output);
        await harness.WaitForCondition<ObjectStore>("kept", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        await harness.WaitForCondition<ObjectStore>("dropped", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        // The emulator runs no StatefulSet controller: create the claims it would have made.
        foreach (var store in new[] { "kept", "dropped" })
        {
            await harness.Create(new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = $"data-{store}-0", NamespaceProperty = "default", Labels = Labels.For(Labels.ObjectStoreApp, store, "object-store") },
                Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } } },
            });
        }
        await harness.WaitFor<KeyServer>("keys", k => k.Status?.Identities?.Count == 1, "the kept store's identity");

        await harness.Delete<ObjectStore>("dropped");
        await harness.Delete<ObjectStore>("kept");
        await harness.WaitUntilGone<ObjectStore>("dropped");
        await harness.WaitUntilGone<ObjectStore>("kept");
        await harness.WaitUntilGone<V1PersistentVolumeClaim>("data-dropped-0");
        Assert.NotNull(await harness.Get<V1PersistentVolumeClaim>("data-kept-0"));

        // The store's access is revoked; the key server keeps running (and keeps the key).
        var keys = await harness.WaitFor<KeyServer>("keys", k => k.Status?.Identities is { Count: 0 }, "identity removed");
        Assert.Equal("True", Conditions.Find(keys.Status!.Conditions, ConditionTypes.Ready)?.Status);
        var config = (await harness.Client.CoreV1.ReadNamespacedConfigMapAsync("keys-config", "default")).Data["config.yaml"];
        Assert.DoesNotContain("objectstore-default-kept", config);
        await harness.WaitForEvent("keys", "IdentityRemoved");
    }

    [Fact]
    public async Task Switching_key_servers_moves_the_grant()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: KeyServer
            metadata:
              name: old
            spec:
              keystore:
                memory: {}
            ---
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: KeyServer
            metadata:
              name: new
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
                keyServerRef: {name: old}
                keyName: store-key
            """);
        var identity = (await harness.WaitFor<KeyServer>("old", k => k.Status?.Identities?.Count == 1, "the grant on the old key server")).Status!.Identities![0].Identity;

        await harness.MergePatch<ObjectStore>("store", new { spec = new { encryption = new { keyServerRef = new { name = "new" } } } });
        var granted = await harness.WaitFor<KeyServer>("new", k => k.Status?.Identities?.Count == 1, "the grant on the new key server");
        Assert.Equal(identity, granted.Status!.Identities![0].Identity);
        await harness.WaitFor<KeyServer>("old", k => k.Status?.Identities is { Count: 0 }, "the old grant revoked");
        await harness.WaitFor<V1StatefulSet>("store", s => s.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "STORAGE_KMS_KES_ENDPOINT").Value == "https://new.default.svc:7373", "pods pointed at the new key server");
    }

    private static async Task<string> Hash(IKubernetes client) =>
        (await client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default")).Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation];

    private static async Task<string> WaitForHashChange(Harness.OperatorHarness harness, string previous)
    {
        var set = await harness.WaitFor<V1StatefulSet>("store", s => s.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation] != previous, "a new pod-template hash");
        return set.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation];
    }
}
