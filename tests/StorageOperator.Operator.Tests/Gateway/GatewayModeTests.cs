using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Hosting;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Harness;
using StorageOperator.Operator.Tests.Reconcilers;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>ObjectStores with spec.storage.s3Gateway through the operator against the API emulator, with a fake backend probe.</summary>
public sealed class GatewayModeTests(ITestOutputHelper output)
{
    private const string BackendSecret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: backend
        stringData:
          accessKey: BACKENDACCESSKEY
          secretKey: backend-secret-key
        """;

    private static string Store(string name, string gateway, string extraSpec = "") => $"""
        apiVersion: storage.storageoperator.io/v1alpha1
        kind: ObjectStore
        metadata:
          name: {name}
        spec:
          tls:
            mode: Disabled
        {Indent(extraSpec, 2)}
          storage:
            s3Gateway:
        {Indent(gateway, 6)}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));

    private sealed class Context(OperatorHarness harness, FakeBackendProbe probe, DeploymentRollout rollout) : IAsyncDisposable
    {
        public OperatorHarness Harness { get; } = harness;
        public FakeBackendProbe Probe { get; } = probe;

        public async ValueTask DisposeAsync()
        {
            await rollout.DisposeAsync();
            await Harness.DisposeAsync();
        }
    }

    private async Task<Context> StartAsync()
    {
        var probe = new FakeBackendProbe();
        var harness = await OperatorHarness.StartAsync(output, new OperatorOptions(), services =>
        {
            services.AddSingleton(ReconcilerFixture.Settings);
            services.AddSingleton<IBackendProbe>(probe);
        });
        harness.RunStatefulSetController();
        return new Context(harness, probe, new DeploymentRollout(harness.Client));
    }

    [Fact]
    public async Task Gateway_store_runs_as_a_Deployment_with_a_PDB_and_no_StatefulSet_or_claims()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        using var ca = CertificateGenerator.CreateCertificateAuthority("backend-ca", TimeSpan.FromDays(30));
        await harness.ApplyYamlAsync(BackendSecret);
        await harness.ApplyYamlAsync($"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: backend-ca
            data:
              bundle.pem: |
            {Indent(ca.ExportCertificatePem(), 4)}
            """);
        await harness.ApplyYamlAsync(Store("store", """
            endpoint: https://rgw.example.com:7480
            bucket: shared
            prefix: stores/prod/
            credentialsSecretRef:
              name: backend
            caBundleRef:
              kind: ConfigMap
              name: backend-ca
              key: bundle.pem
            """));

        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var reachable = MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.BackendReachable, "True", BackendProbeResult.ReasonReachable);
        Assert.Contains("(fake)", reachable.Message);

        // The probe got the Secret's credentials, the bucket, the key prefix and only the referenced CA.
        var request = context.Probe.Requests.Last();
        Assert.Equal((new Uri("https://rgw.example.com:7480"), "BACKENDACCESSKEY", "backend-secret-key", "shared", "stores/prod/", "us-east-1", true),
            (request.Endpoint, request.AccessKey, request.SecretKey, request.Bucket, request.KeyPrefix, request.Region, request.PathStyle));
        Assert.Equal(["CN=backend-ca"], context.Probe.CaSubjects);
        Assert.DoesNotContain("backend-secret-key", request.ToString());

        var deployment = await harness.Get<V1Deployment>("store");
        Assert.NotNull(deployment);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("store", Assert.Single(deployment.Metadata.OwnerReferences).Name);
        Assert.Equal((0, 1), (int.Parse(deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value), int.Parse(deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value)));
        var env = deployment.Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("https://rgw.example.com:7480", env["STORAGE_GATEWAY_ENDPOINT"]);
        Assert.Equal("shared/stores/prod/", env["STORAGE_GATEWAY_BUCKET"]);
        Assert.Equal("/etc/storage/gateway/ca.crt", env["STORAGE_GATEWAY_CA_FILE"]);
        Assert.Equal("/etc/storage/gateway/accessKey", env["STORAGE_GATEWAY_ACCESS_KEY_FILE"]);
        Assert.DoesNotContain(deployment.Spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim is not null || v.Name == "data");

        Assert.Null(await harness.Get<V1StatefulSet>("store"));
        Assert.Empty((await harness.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync("default")).Items);
        var pdb = await harness.Get<V1PodDisruptionBudget>("store");
        Assert.Equal("1", pdb!.Spec.MaxUnavailable.Value);
        Assert.NotNull(await harness.Get<V1Service>("store"));
    }

    [Fact]
    public async Task BackendReachable_reports_the_probes_reason_and_blocks_Ready_until_the_backend_answers()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        context.Probe.Answer(false, BackendProbeResult.ReasonAuthFailed, "The backend refused access key BACKENDACCESSKEY: 403 InvalidAccessKeyId.");
        await harness.ApplyYamlAsync(BackendSecret);
        await harness.ApplyYamlAsync(Store("store", """
            endpoint: http://rgw:7480
            bucketPrefix: tenant-
            credentialsSecretRef: {name: backend}
            """));

        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.BackendReachable, "False", BackendProbeResult.ReasonAuthFailed);
        MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionTypes.Ready, "False", BackendProbeResult.ReasonAuthFailed);
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Degraded, "True", ConditionNames.ReasonComponentFailing);
        Assert.Null(context.Probe.Requests.Last().Bucket);
        // The pods still run (they answer 503 until the backend does): the Deployment exists.
        Assert.NotNull(await harness.Get<V1Deployment>("store"));
        await harness.WaitForEvent("store", BackendProbeResult.ReasonAuthFailed);

        context.Probe.Answer(false, BackendProbeResult.ReasonBucketMissing, "The backend has no bucket.");
        await harness.WaitForCondition<ObjectStore>("store", ConditionNames.BackendReachable, "False", BackendProbeResult.ReasonBucketMissing);
        context.Probe.Answer(false, BackendProbeResult.ReasonUnreachable, "Cannot reach the backend at rgw:7480: Connection refused");
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "False", BackendProbeResult.ReasonUnreachable);

        context.Probe.Answer(true, BackendProbeResult.ReasonReachable, "Listed the backend's buckets.");
        store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.BackendReachable, "True", BackendProbeResult.ReasonReachable);
    }

    [Fact]
    public async Task Missing_backend_credentials_are_reported_without_probing()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        await harness.ApplyYamlAsync(Store("store", """
            endpoint: http://rgw:7480
            bucket: shared
            credentialsSecretRef: {name: backend, accessKeyKey: id, secretKeyKey: key}
            """));

        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.BackendReachable, "False", BackendProbeResult.ReasonCredentialsNotFound);
        Assert.Contains("Secret backend", Conditions.Find(store.Status!.Conditions, ConditionNames.BackendReachable)!.Message);
        Assert.Empty(context.Probe.Requests);

        // The Secret exists but with other keys than the spec names.
        await harness.ApplyYamlAsync(BackendSecret);
        store = await harness.WaitFor<ObjectStore>("store", s => Conditions.Find(s.Status?.Conditions, ConditionNames.BackendReachable)?.Message?.Contains("keys id and key") == true, "keys named in the message");
        Assert.Empty(context.Probe.Requests);

        await harness.MergePatch<V1Secret>("backend", new { data = new Dictionary<string, string> { ["id"] = Convert.ToBase64String("ID2"u8), ["key"] = Convert.ToBase64String("KEY2"u8) } });
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        Assert.Equal(("ID2", "KEY2"), (context.Probe.Requests.Last().AccessKey, context.Probe.Requests.Last().SecretKey));
    }

    [Fact]
    public async Task Replicas_owned_by_an_autoscaler_are_not_overwritten_but_operator_owned_ones_are()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        await harness.ApplyYamlAsync(BackendSecret);
        await harness.ApplyYamlAsync(Store("scaled", """
            endpoint: http://rgw:7480
            bucket: shared
            credentialsSecretRef: {name: backend}
            replicasManagedExternally: true
            """, "replicas: 3"));
        await harness.ApplyYamlAsync(Store("fixed", """
            endpoint: http://rgw:7480
            bucket: shared
            credentialsSecretRef: {name: backend}
            """, "replicas: 3"));
        await harness.WaitForCondition<ObjectStore>("scaled", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        await harness.WaitForCondition<ObjectStore>("fixed", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        Assert.Equal(3, (await harness.Get<V1Deployment>("fixed"))!.Spec.Replicas);
        var scaled = (await harness.Get<V1Deployment>("scaled"))!;
        Assert.DoesNotContain(scaled.Metadata.ManagedFields, f => f.Manager == ApiGroup.FieldManager && f.FieldsV1.ToString()!.Contains("f:replicas", StringComparison.Ordinal));

        // The "HPA" scales both (an update under its own field manager, as the autoscaler's writes are).
        foreach (var name in new[] { "scaled", "fixed" })
        {
            var scale = new { spec = new { replicas = 7 } };
            await harness.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(KubernetesJson.Serialize(scale), V1Patch.PatchType.MergePatch), name, "default", fieldManager: "horizontal-pod-autoscaler");
        }

        // A spec change makes the operator re-apply both Deployments.
        foreach (var name in new[] { "scaled", "fixed" })
        {
            await harness.MergePatch<ObjectStore>(name, new { spec = new { image = "example/storage-server:2" } });
            await harness.WaitFor<V1Deployment>(name, d => d.Spec.Template.Spec.Containers[0].Image == "example/storage-server:2", "new image applied");
        }
        Assert.Equal(7, (await harness.Get<V1Deployment>("scaled"))!.Spec.Replicas);
        await harness.WaitFor<V1Deployment>("fixed", d => d.Spec.Replicas == 3, "spec.replicas restored by the operator");
        // Readiness follows the live count the autoscaler chose.
        var store = await harness.WaitForCondition<ObjectStore>("scaled", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        Assert.Equal("Ready", store.Status!.Phase);
    }

    [Fact]
    public async Task Turning_on_external_replica_management_hands_the_current_count_over_instead_of_resetting_it()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        await harness.ApplyYamlAsync(BackendSecret);
        await harness.ApplyYamlAsync(Store("store", """
            endpoint: http://rgw:7480
            bucket: shared
            credentialsSecretRef: {name: backend}
            """, "replicas: 3"));
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        Assert.True(ObjectStoreController.OwnsReplicas((await harness.Get<V1Deployment>("store"))!));

        await harness.MergePatch<ObjectStore>("store", new { spec = new { storage = new { s3Gateway = new { replicasManagedExternally = true } } } });
        var deployment = await harness.WaitFor<V1Deployment>("store", d => !ObjectStoreController.OwnsReplicas(d), "spec.replicas released by the operator");
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Contains(deployment.Metadata.ManagedFields, f => f.Manager == ObjectStoreController.ReplicasHandoffManager);

        // The autoscaler's write wins from then on, across later applies.
        await harness.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(KubernetesJson.Serialize(new { spec = new { replicas = 6 } }), V1Patch.PatchType.MergePatch), "store", "default", fieldManager: "horizontal-pod-autoscaler");
        await harness.MergePatch<ObjectStore>("store", new { spec = new { image = "example/storage-server:2" } });
        deployment = await harness.WaitFor<V1Deployment>("store", d => d.Spec.Template.Spec.Containers[0].Image == "example/storage-server:2", "new image applied");
        Assert.Equal(6, deployment.Spec.Replicas);
    }

    [Fact]
    public async Task Invalid_gateway_spec_lists_every_problem_and_creates_nothing()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        // Values the schema's patterns let through (the emulator does not run CEL): the validator catches them.
        await harness.ApplyYamlAsync(Store("store", """
            endpoint: http://rgw:7480
            bucket: shared
            bucketPrefix: tenant-
            prefix: /absolute//prefix
            region: "eu west"
            credentialsSecretRef: {name: backend}
            caBundleRef: {name: backend-ca}
            """));

        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "False", ConditionTypes.ReasonInvalidSpec);
        var message = Conditions.Find(store.Status!.Conditions, ConditionTypes.Ready)!.Message;
        Assert.Contains("spec.storage.s3Gateway.bucketPrefix: set either bucket", message);
        Assert.Contains("spec.storage.s3Gateway.prefix:", message);
        Assert.Contains("spec.storage.s3Gateway.region:", message);
        Assert.Contains("spec.storage.s3Gateway.caBundleRef: is set but the endpoint is plain http", message);
        Assert.Null(await harness.Get<V1Deployment>("store"));
        Assert.Empty(context.Probe.Requests);
    }

    [Fact]
    public async Task Switching_storage_mode_is_refused_while_the_old_workload_exists()
    {
        await using var context = await StartAsync();
        var harness = context.Harness;
        await harness.ApplyYamlAsync(BackendSecret);
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: ObjectStore
            metadata:
              name: store
            spec:
              tls: {mode: Disabled}
              storage:
                volume: {size: 1Gi}
            """);
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.BackendReachable, "False", ConditionNames.ReasonNotConfigured);

        await harness.MergePatch<ObjectStore>("store", new Dictionary<string, object>
        {
            ["spec"] = new Dictionary<string, object?>
            {
                ["storage"] = new Dictionary<string, object?>
                {
                    ["volume"] = null,
                    ["s3Gateway"] = new { endpoint = "http://rgw:7480", bucket = "shared", credentialsSecretRef = new { name = "backend" } },
                },
            },
        });
        store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "False", ConditionTypes.ReasonInvalidSpec);
        Assert.Contains("StatefulSet store", Conditions.Find(store.Status!.Conditions, ConditionTypes.Ready)!.Message);
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Degraded, "True", ConditionNames.ReasonComponentFailing);
        Assert.Null(await harness.Get<V1Deployment>("store"));
        Assert.NotNull(await harness.Get<V1StatefulSet>("store"));

        // Once the user removed the old workload (after moving the data), the switch goes through.
        await harness.Delete<V1StatefulSet>("store");
        await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        Assert.NotNull(await harness.Get<V1Deployment>("store"));
        Assert.Null(await harness.Get<V1StatefulSet>("store"));
    }
}
