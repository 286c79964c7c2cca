using System.Text;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>CertManager mode: a clear condition while cert-manager is missing, then the test plays cert-manager.</summary>
public sealed class CertManagerModeTests(ITestOutputHelper output)
{
    private const string CertificateCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: certificates.cert-manager.io
        spec:
          group: cert-manager.io
          names: {kind: Certificate, listKind: CertificateList, plural: certificates, singular: certificate, shortNames: [cert, certs]}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              subresources: {status: {}}
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """;

    [Fact]
    public async Task Reports_CertManagerNotInstalled_then_requests_a_Certificate_and_serves_the_Secret_cert_manager_writes()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync("""
            apiVersion: storage.storageoperator.io/v1alpha1
            kind: ObjectStore
            metadata:
              name: store
            spec:
              tls:
                mode: CertManager
                certManager:
                  issuerRef: {name: storage-ca, kind: ClusterIssuer}
                  duration: 2160h
                  renewBefore: 360h
                  privateKey: {algorithm: ECDSA, size: 384, rotationPolicy: Always}
              storage:
                volume:
                  size: 1Gi
            """);
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.TlsReady, "False", TlsOutcome.ReasonCertManagerNotInstalled);
        MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionTypes.Ready, "False", "TLSNotReady");
        MinimalExampleTests.AssertCondition(store.Status.Conditions, ConditionTypes.Degraded, "True", ConditionNames.ReasonComponentFailing);

        // cert-manager arrives: the operator creates the Certificate on its next attempt.
        await harness.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CertificateCrd));
        var certificates = new ResourceClient<CertManagerCertificate>(harness.Client);
        var certificate = await Poll.UntilAsync(() => certificates.GetAsync("default", "store-tls", CancellationToken.None), _ => true, "the cert-manager Certificate");
        var spec = certificate.Spec!;
        Assert.Equal("store-tls", spec.SecretName);
        Assert.Equal(("storage-ca", "ClusterIssuer", "cert-manager.io"), (spec.IssuerRef.Name, spec.IssuerRef.Kind, spec.IssuerRef.Group));
        Assert.Equal(("2160h", "360h"), (spec.Duration, spec.RenewBefore));
        Assert.Equal(("ECDSA", 384, "Always"), (spec.PrivateKey!.Algorithm, spec.PrivateKey.Size, spec.PrivateKey.RotationPolicy));
        Assert.Contains("store.default.svc", spec.DnsNames!);
        Assert.Equal("ObjectStore", Assert.Single(certificate.Metadata.OwnerReferences).Kind);
        await harness.WaitForCondition<ObjectStore>("store", ConditionNames.TlsReady, "False", TlsOutcome.ReasonCertificatePending);

        // Play cert-manager: issue from "its" CA into the Secret named by the Certificate.
        using var ca = CertificateGenerator.CreateCertificateAuthority("cert-manager test CA", TimeSpan.FromDays(365));
        using var leaf = CertificateGenerator.CreateServerCertificate(ca, spec.DnsNames!, TimeSpan.FromDays(90));
        await harness.Create(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "store-tls", NamespaceProperty = "default" },
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(PemFiles.ExportCertificate(leaf)),
                ["tls.key"] = Encoding.UTF8.GetBytes(PemFiles.ExportPrivateKey(leaf)),
                ["ca.crt"] = Encoding.UTF8.GetBytes(PemFiles.ExportCertificate(ca)),
            },
        });

        store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.TlsReady, "True", TlsOutcome.ReasonReady);
        Assert.Equal(CertificateFacts.Of(leaf).Sha256Fingerprint, store.Status.Certificates!.Single(c => c.Name == "server").Sha256Fingerprint);
        var bundle = (await harness.Client.CoreV1.ReadNamespacedConfigMapAsync(Names.CaBundleConfigMap("store"), "default")).Data["ca.crt"];
        Assert.Equal(PemFiles.ExportCertificate(ca), bundle);
        var set = await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default");
        Assert.Equal("store-tls", set.Spec.Template.Spec.Volumes.Single(v => v.Name == "certs").Projected.Sources[0].Secret.Name);
        Assert.Null(await harness.Get<V1Secret>(Names.NamespaceCaSecret));
    }
}
