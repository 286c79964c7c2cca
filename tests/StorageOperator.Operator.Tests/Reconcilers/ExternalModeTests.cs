using System.Text;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>examples/external-certs.yaml: user Secrets served by SNI, user CAs published to clients.</summary>
public sealed class ExternalModeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task User_certificates_are_served_by_SNI_and_their_CAs_published_once_the_Secrets_exist()
    {
        await using var fixture = await ReconcilerFixture.StartAsync(output);
        var harness = fixture.Harness;
        await harness.ApplyYamlAsync(Examples.Read("external-certs.yaml"));
        var store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.TlsReady, "False", TlsOutcome.ReasonSecretNotFound);
        Assert.Contains("Secret store-internal-tls", Conditions.Find(store.Status!.Conditions, ConditionNames.TlsReady)!.Message);

        using var internalCa = CertificateGenerator.CreateCertificateAuthority("internal", TimeSpan.FromDays(30));
        using var corpCa = CertificateGenerator.CreateCertificateAuthority("corp", TimeSpan.FromDays(30));
        using var internalLeaf = CertificateGenerator.CreateServerCertificate(internalCa, ["store.default.svc"], TimeSpan.FromDays(10));
        using var publicLeaf = CertificateGenerator.CreateServerCertificate(corpCa, ["s3.example.com"], TimeSpan.FromDays(10));
        await harness.Create(TlsSecret("store-internal-tls", internalLeaf, internalCa));
        await harness.Create(TlsSecret("store-public-tls", publicLeaf, null));
        await harness.Create(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "corp-ca", NamespaceProperty = "default" },
            Data = new Dictionary<string, string> { ["ca.crt"] = PemFiles.ExportCertificate(corpCa) },
        });

        store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
        Assert.Equal(["server", "server-store-public-tls"], store.Status!.Certificates!.Select(c => c.Name));
        var bundle = PemFiles.ParseCertificates((await harness.Client.CoreV1.ReadNamespacedConfigMapAsync("store-ca", "default")).Data["ca.crt"]);
        Assert.Equal(["CN=internal", "CN=corp"], bundle.Select(c => c.Subject));
        var certs = (await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default")).Spec.Template.Spec.Volumes.Single(v => v.Name == "certs").Projected.Sources;
        Assert.Equal(["public.crt", "private.key"], certs[0].Secret.Items.Select(i => i.Path));
        Assert.Equal(["store-public-tls/public.crt", "store-public-tls/private.key"], certs[1].Secret.Items.Select(i => i.Path));
        // The operator issues nothing in this mode.
        Assert.Null(await harness.Get<V1Secret>("store-tls"));
    }

    private static V1Secret TlsSecret(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 leaf, System.Security.Cryptography.X509Certificates.X509Certificate2? ca)
    {
        var data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(PemFiles.ExportCertificate(leaf)),
            ["tls.key"] = Encoding.UTF8.GetBytes(PemFiles.ExportPrivateKey(leaf)),
        };
        if (ca is not null)
        {
            data["ca.crt"] = Encoding.UTF8.GetBytes(PemFiles.ExportCertificate(ca));
        }
        return new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Type = "kubernetes.io/tls", Data = data };
    }
}
