using System.Text;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>examples/minimal.yaml end to end: every condition True with a real key server behind the preflight.</summary>
public sealed class MinimalExampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Minimal_example_converges_with_every_condition_true_and_the_identity_in_the_key_server_policy()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        var documents = Examples.Read("minimal.yaml").Split("\n---\n");

        // The key server first, so we can show that admitting a store later does not roll its pods.
        await harness.ApplyYamlAsync(documents[0]);
        await fixture.StartKeyServerPodAsync("keys", output);
        var keys = await harness.WaitForCondition<KeyServer>("keys", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var keyServerSet = await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("keys", "default");
        var keyServerHash = keyServerSet.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation];

        await harness.ApplyYamlAsync(documents[1]);
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        AssertCondition(store.Status!.Conditions, ConditionNames.TlsReady, "True", "CertificatesReady");
        AssertCondition(store.Status.Conditions, ConditionNames.KeyServerReady, "True", ConditionNames.ReasonIdentityAdmitted);
        var encryption = AssertCondition(store.Status.Conditions, ConditionNames.EncryptionReady, "True", "PreflightSucceeded");
        Assert.Contains("auto-encryption SSE-S3, enforced", encryption.Message);
        AssertCondition(store.Status.Conditions, ConditionTypes.Progressing, "False", ConditionNames.ReasonReconcileComplete);
        AssertCondition(store.Status.Conditions, ConditionTypes.Degraded, "False", ConditionNames.ReasonAsExpected);
        Assert.All(store.Status.Conditions!, c => Assert.Equal(store.Metadata.Generation, c.ObservedGeneration));
        Assert.Equal("Ready", store.Status.Phase);
        Assert.Equal("https://store.default.svc:9000", store.Status.Endpoints?.S3);

        // The identity the store presents is the one the key server admitted, for this store's key only.
        var identity = store.Status.KeyServerIdentity!;
        var kesClient = await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-kes-client", "default");
        using (var cert = PemFiles.ParseCertificates(Encoding.UTF8.GetString(kesClient.Data["tls.crt"]))[0])
        {
            Assert.Equal(CertificateIdentity.Compute(cert), identity);
        }
        keys = await harness.WaitFor<KeyServer>("keys", k => k.Status?.Identities?.Count == 1, "one identity");
        var admitted = Assert.Single(keys.Status!.Identities!);
        Assert.Equal(("default/store", identity, "objectstore-default-store"), (admitted.ObjectStore, admitted.Identity, admitted.Policy));
        var config = (await harness.Client.CoreV1.ReadNamespacedConfigMapAsync("keys-config", "default")).Data["config.yaml"];
        Assert.Contains($"- \"{identity}\"", config);
        Assert.Contains("- \"/v1/key/generate/store-default\"", config);
        Assert.DoesNotContain("/v1/key/generate/*", config);

        // Policies hot-reload: admitting the store did not change the key server's pod template.
        keyServerSet = await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("keys", "default");
        Assert.Equal(keyServerHash, keyServerSet.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation]);

        // Inventory: server and CA certificates, and the key-server client certificate.
        Assert.Equal(["server", "ca", "kes-client"], store.Status.Certificates!.Select(c => c.Name));
        var server = store.Status.Certificates![0];
        Assert.Equal("store-tls", server.SecretName);
        Assert.Contains("store.default.svc", server.DnsNames!);
        Assert.Contains("*.store-hl.default.svc.cluster.local", server.DnsNames!);
        Assert.True(server.RenewalTime < server.NotAfter);
        Assert.Matches("^[0-9a-f]{64}$", server.Sha256Fingerprint!);

        // The workload: restricted, configured through the storage server's environment.
        var set = await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default");
        var pod = set.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal(["server", "/data", "--address", ":9000", "--certs-dir", "/etc/storage/certs"], container.Args);
        Assert.Equal("ghcr.io/storage-operator/storage-server:0.1.0", container.Image);
        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("https://keys.default.svc:7373", env["STORAGE_KMS_KES_ENDPOINT"]);
        Assert.Equal("store-default", env["STORAGE_KMS_KES_KEY_NAME"]);
        Assert.Equal("on", env["STORAGE_KMS_AUTO_ENCRYPTION"]);
        Assert.Equal("SSE-S3", env["STORAGE_KMS_AUTO_ENCRYPTION_MODE"]);
        Assert.Equal("on", env["STORAGE_ENCRYPTION_ENFORCE"]);
        Assert.Equal("/etc/storage/credentials/accessKey", env["STORAGE_ROOT_USER_FILE"]);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal("HTTPS", container.ReadinessProbe.HttpGet.Scheme);
        Assert.Equal("10Gi", Assert.Single(set.Spec.VolumeClaimTemplates).Spec.Resources.Requests["storage"].ToString());
        var certs = pod.Volumes.Single(v => v.Name == "certs").Projected.Sources;
        Assert.Equal(["public.crt", "private.key"], certs[0].Secret.Items.Select(i => i.Path));
        Assert.Equal("CAs/ca.crt", certs[1].ConfigMap.Items[0].Path);
        Assert.NotNull(await harness.Client.CoreV1.ReadNamespacedServiceAsync("store-hl", "default"));
        Assert.NotNull(await harness.Client.CoreV1.ReadNamespacedServiceAccountAsync("store", "default"));
        Assert.NotNull(await harness.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("store", "default"));

        // The client Secret works for aws CLI / restic as is, with the CA bundle from the ConfigMap.
        var client = (await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-client", "default")).Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
        var bundle = (await harness.Client.CoreV1.ReadNamespacedConfigMapAsync("store-ca", "default")).Data["ca.crt"];
        var credentials = await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-credentials", "default");
        Assert.Equal(Encoding.UTF8.GetString(credentials.Data["accessKey"]), client["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(Encoding.UTF8.GetString(credentials.Data["secretKey"]), client["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("https://store.default.svc:9000", client["AWS_ENDPOINT_URL"]);
        Assert.Equal("s3:https://store.default.svc:9000/restic", client["RESTIC_REPOSITORY"]);
        Assert.Equal(bundle, client["ca.crt"]);
        Assert.Equal("store-client", store.Status.ClientSecretName);

        // Events for what happened, and an expiry gauge per certificate.
        await harness.WaitForEvent("store", "CertificateIssued");
        await harness.WaitForEvent("store", "CredentialsGenerated");
        await harness.WaitForEvent("store", ConditionNames.EncryptionReady);
        await harness.WaitForEvent("keys", "IdentityAdmitted");
        var metrics = await harness.ScrapeMetricsAsync();
        Assert.Contains("storage_operator_certificate_expiry_seconds{", metrics);
        Assert.Contains("certificate=\"kes-client\"", metrics);
    }

    internal static V1Condition AssertCondition(IReadOnlyList<V1Condition>? conditions, string type, string status, string reason)
    {
        var condition = Conditions.Find(conditions, type);
        Assert.True(condition is not null, $"no {type} condition");
        Assert.True(condition.Status == status && condition.Reason == reason, $"{type}: expected {status}/{reason}, got {condition.Status}/{condition.Reason}: {condition.Message}");
        return condition;
    }
}
