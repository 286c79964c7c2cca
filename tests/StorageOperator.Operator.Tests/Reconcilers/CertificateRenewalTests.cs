using System.Text;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Harness;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>Renewal at two thirds of the lifetime and the two-phase CA rollover, on a clock the test moves.</summary>
public sealed class CertificateRenewalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Leaves_renew_at_two_thirds_and_the_CA_rolls_over_in_two_phases_without_rolling_pods()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var settings = ReconcilerFixture.Settings with { CaValidity = TimeSpan.FromHours(30), CaRolloverGrace = TimeSpan.FromMinutes(10) };
        await using var fixture = await ReconcilerFixture.StartAsync(output, clock, settings, new AlwaysFine());
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
              tls:
                selfSignedCA:
                  duration: 3h
              storage:
                volume:
                  size: 1Gi
              encryption:
                keyServerRef: {name: keys}
                keyName: store-key
            """);
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        var server = store.Status!.Certificates!.Single(c => c.Name == "server");
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddHours(2), server.RenewalTime!.Value, TimeSpan.FromMinutes(5));
        var generation = (await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default")).Metadata.Generation;
        var firstCa = Ca(await ReadCaSecret(harness));
        var identity = store.Status.KeyServerIdentity!;
        var clientFingerprint = store.Status.Certificates!.Single(c => c.Name == "kes-client").Sha256Fingerprint;

        // Just before two thirds nothing happens; just after, the certificate is renewed in place.
        clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(10));
        await Touch(harness, "1");
        await harness.WaitFor<ObjectStore>("store", s => s.Metadata.Annotations?["test/touch"] == "1" && s.Status?.ObservedGeneration == s.Metadata.Generation, "touched");
        Assert.Equal(server.Sha256Fingerprint, await ServerFingerprint(harness));
        clock.Advance(TimeSpan.FromMinutes(11));
        await Touch(harness, "2");
        store = await harness.WaitFor<ObjectStore>("store", s => s.Status?.Certificates?.Single(c => c.Name == "server").Sha256Fingerprint != server.Sha256Fingerprint, "a renewed server certificate");
        var renewed = store.Status!.Certificates!.Single(c => c.Name == "server");
        Assert.Equal(await ServerFingerprint(harness), renewed.Sha256Fingerprint);
        Assert.True(renewed.NotAfter > server.NotAfter);
        await harness.WaitForEvent("store", "CertificateRenewed");
        var metrics = await harness.ScrapeMetricsAsync();
        Assert.Contains("storage_operator_certificate_expiry_seconds{", metrics);

        // Phase one of the rollover: at two thirds of the CA's life a next CA is published next to
        // the active one; leaves are still signed by the old CA.
        clock.Advance(TimeSpan.FromHours(18));
        await Touch(harness, "3");
        await harness.WaitFor<V1Secret>(Names.NamespaceCaSecret, s => s.Data.ContainsKey("next.crt"), "a published next CA");
        var bundle = await harness.WaitFor<V1ConfigMap>("store-ca", m => PemFiles.ParseCertificates(m.Data["ca.crt"]).Count == 2, "old and new CA in the bundle");
        Assert.Equal(firstCa, AuthorityOf(await ServerPem(harness)));

        // Phase two, after the grace period: the new CA signs; the old one stays trusted until it expires.
        clock.Advance(TimeSpan.FromMinutes(11));
        await Touch(harness, "4");
        var ca = await harness.WaitFor<V1Secret>(Names.NamespaceCaSecret, s => !s.Data.ContainsKey("next.crt"), "the next CA promoted");
        var secondCa = Ca(ca);
        Assert.NotEqual(firstCa, secondCa);
        await Poll.UntilAsync(async () => AuthorityOf(await ServerPem(harness)) == secondCa ? "reissued" : null, _ => true, "server certificate reissued by the new CA");
        bundle = await harness.Get<V1ConfigMap>("store-ca");
        Assert.Equal(2, PemFiles.ParseCertificates(bundle!.Data["ca.crt"]).Count);
        // The CA is shared by the namespace: whichever reconcile promoted it reports the rollover.
        await Poll.UntilAsync(async () => (await harness.Client.CoreV1.ListNamespacedEventAsync("default")).Items.FirstOrDefault(e => e.Reason == "CARotated"), _ => true, "a CARotated event");

        // The key-server client certificate was reissued by the new CA with the same key: same identity,
        // so the key server's policy never had to change.
        var reissued = await Poll.UntilAsync(async () => await ClientPem(harness), pem => AuthorityOf(pem) == secondCa, "client certificate reissued by the new CA");
        string newFingerprint;
        using (var cert = PemFiles.ParseCertificates(reissued)[0])
        {
            newFingerprint = CertificateFacts.Of(cert).Sha256Fingerprint;
        }
        Assert.NotEqual(clientFingerprint, newFingerprint);
        store = await harness.WaitFor<ObjectStore>("store", s => s.Status?.Certificates?.Single(c => c.Name == "kes-client").Sha256Fingerprint == newFingerprint, "the reissued client certificate in status");
        Assert.NotNull(store.Status);
        Assert.Equal(identity, store.Status!.KeyServerIdentity);
        Assert.Equal(identity, Assert.Single((await harness.Get<KeyServer>("keys"))!.Status!.Identities!).Identity);

        // Certificates reload in place: none of this rolled the pods.
        Assert.Equal(generation, (await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default")).Metadata.Generation);
    }

    private sealed class AlwaysFine : StorageOperator.Operator.Controllers.Probes.IKeyServerProbe
    {
        public Task<StorageOperator.Operator.Controllers.Probes.KeyServerProbeResult> CheckAsync(StorageOperator.Operator.Controllers.Probes.KeyServerProbeRequest request, CancellationToken ct) =>
            Task.FromResult(new StorageOperator.Operator.Controllers.Probes.KeyServerProbeResult(true, StorageOperator.Operator.Controllers.Probes.KeyServerProbeResult.ReasonSucceeded, "ok"));
    }

    private static async Task<string> ClientPem(OperatorHarness harness) =>
        Encoding.UTF8.GetString((await harness.Get<V1Secret>("store-kes-client"))!.Data["tls.crt"]);

    private static Task Touch(OperatorHarness harness, string value) =>
        harness.MergePatch<ObjectStore>("store", new { metadata = new { annotations = new Dictionary<string, string> { ["test/touch"] = value } } });

    private static async Task<V1Secret> ReadCaSecret(OperatorHarness harness) => (await harness.Get<V1Secret>(Names.NamespaceCaSecret))!;

    private static string Ca(V1Secret secret)
    {
        using var cert = PemFiles.ParseCertificates(Encoding.UTF8.GetString(secret.Data["tls.crt"]))[0];
        return CertificateFacts.SubjectKeyId(cert)!;
    }

    private static async Task<string> ServerPem(OperatorHarness harness) =>
        Encoding.UTF8.GetString((await harness.Get<V1Secret>("store-tls"))!.Data["tls.crt"]);

    private static async Task<string> ServerFingerprint(OperatorHarness harness)
    {
        using var cert = PemFiles.ParseCertificates(await ServerPem(harness))[0];
        return CertificateFacts.Of(cert).Sha256Fingerprint;
    }

    private static string? AuthorityOf(string pem)
    {
        using var cert = PemFiles.ParseCertificates(pem)[0];
        return CertificateFacts.Of(cert).AuthorityKeyId;
    }
}
