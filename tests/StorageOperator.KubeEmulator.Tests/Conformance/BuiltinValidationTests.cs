using System.Net;
using k8s;
using k8s.Models;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Conformance;

/// <summary>The built-in validation rules an operator most often trips over on a real cluster.</summary>
public sealed class BuiltinValidationTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private IKubernetes Client => fx.Client;

    private static V1StatefulSet StatefulSet(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "server", Image = "server:1",
                            Ports = [new V1ContainerPort { ContainerPort = 9000, Name = "s3" }],
                            VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }],
                        },
                    ],
                },
            },
            VolumeClaimTemplates =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = "data" },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                    },
                },
            ],
        },
    };

    private static IEnumerable<string?> Fields(System.Text.Json.JsonElement status) =>
        status.GetProperty("details").GetProperty("causes").EnumerateArray().Select(c => c.GetProperty("field").GetString());

    [Fact]
    public async Task StatefulSet_spec_outside_the_mutable_fields_cannot_change()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("store"), ns);
        Assert.Equal("OrderedReady", created.Spec.PodManagementPolicy);

        created.Spec.Replicas = 3;
        created.Spec.Template.Spec.Containers[0].Image = "server:2";
        var updated = await Client.AppsV1.ReplaceNamespacedStatefulSetAsync(created, "store", ns);

        updated.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.AppsV1.ReplaceNamespacedStatefulSetAsync(updated, "store", ns));
        Assert.Equal(["spec"], Fields(e));
        Assert.Contains("updates to statefulset spec for fields other than", e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Workload_templates_are_validated()
    {
        var ns = await fx.NewNamespaceAsync();
        var bad = StatefulSet("bad");
        bad.Spec.Template.Metadata.Labels["app"] = "other";
        bad.Spec.Template.Spec.Containers[0].Ports[0].Name = "much-too-long-port-name";
        bad.Spec.Template.Spec.Containers[0].VolumeMounts.Add(new V1VolumeMount { Name = "missing", MountPath = "/m" });
        bad.Spec.Template.Spec.Containers.Add(new V1Container { Name = "server" });
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.AppsV1.CreateNamespacedStatefulSetAsync(bad, ns));
        Assert.Equal(
            [
                "spec.template.metadata.labels",
                "spec.template.spec.containers[0].ports[0].name",
                "spec.template.spec.containers[0].volumeMounts[1].name",
                "spec.template.spec.containers[1].name",
                "spec.template.spec.containers[1].image",
            ],
            Fields(e));
    }

    [Fact]
    public async Task Immutable_ConfigMaps_reject_data_changes()
    {
        var ns = await fx.NewNamespaceAsync();
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "frozen" },
            Data = new Dictionary<string, string> { ["a"] = "1" },
            Immutable = true,
        }, ns);
        cm.Data["a"] = "2";
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "frozen", ns));
        Assert.Equal(["data"], Fields(e));
        await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "badkey" },
            Data = new Dictionary<string, string> { ["not a key"] = "1" },
        }, ns));
    }

    [Fact]
    public async Task A_Service_keeps_its_ClusterIP_when_an_update_omits_it_and_needs_named_ports()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "api" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 443, Name = "https" }] },
        }, ns);
        var replacement = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "api", ResourceVersion = created.Metadata.ResourceVersion },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 8443, Name = "https" }] },
        };
        var updated = await Client.CoreV1.ReplaceNamespacedServiceAsync(replacement, "api", ns);
        Assert.Equal(created.Spec.ClusterIP, updated.Spec.ClusterIP);

        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "two" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 1, Name = "a" }, new V1ServicePort { Port = 2 }] },
        }, ns));
        Assert.Equal(["spec.ports[1].name"], Fields(e));
    }
}
