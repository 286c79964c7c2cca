using System.Net;
using k8s;
using k8s.Models;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Conformance;

public sealed class PatchTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private IKubernetes Client => fx.Client;

    private static V1Deployment Deployment(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
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
                            Name = "main", Image = "server:1",
                            Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "2" }],
                            Ports = [new V1ContainerPort { ContainerPort = 9000, Name = "s3" }],
                        },
                        new V1Container { Name = "sidecar", Image = "side:1" },
                    ],
                },
            },
        },
    };

    [Fact]
    public async Task Merge_patch_sets_and_removes_fields()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "m" },
            Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
        }, ns);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"a":null,"c":"3"}}""", V1Patch.PatchType.MergePatch), "m", ns);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, patched.Data);
    }

    [Fact]
    public async Task Json_patch_applies_operations_and_a_failed_test_rejects_the_patch()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "j", Labels = new Dictionary<string, string> { ["x"] = "1" } },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        }, ns);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""
            [{"op":"test","path":"/data/a","value":"1"},
             {"op":"add","path":"/data/b","value":"2"},
             {"op":"remove","path":"/metadata/labels/x"},
             {"op":"replace","path":"/data/a","value":"9"}]
            """, V1Patch.PatchType.JsonPatch), "j", ns);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "9", ["b"] = "2" }, patched.Data);
        Assert.True(patched.Metadata.Labels is null || patched.Metadata.Labels.Count == 0);

        await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"test","path":"/data/a","value":"1"},{"op":"add","path":"/data/z","value":"z"}]""", V1Patch.PatchType.JsonPatch), "j", ns));
        Assert.DoesNotContain("z", (await Client.CoreV1.ReadNamespacedConfigMapAsync("j", ns)).Data.Keys);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_env_and_ports_by_key()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("d"), ns);
        var patched = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""
            {"spec":{"template":{"spec":{"containers":[
              {"name":"main","image":"server:2","env":[{"name":"B","value":"22"},{"name":"C","value":"3"}],"ports":[{"containerPort":9443,"name":"https"}]},
              {"name":"sidecar","$patch":"delete"}
            ]}}}}
            """, V1Patch.PatchType.StrategicMergePatch), "d", ns);

        var main = Assert.Single(patched.Spec.Template.Spec.Containers);
        Assert.Equal("server:2", main.Image);
        Assert.Equal(["A=1", "B=22", "C=3"], main.Env.Select(e => $"{e.Name}={e.Value}"));
        Assert.Equal([9000, 9443], main.Ports.Select(p => p.ContainerPort));
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public async Task Strategic_merge_patch_on_status_conditions_merges_by_type()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("c"), ns);
        await Client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(
            """{"status":{"conditions":[{"type":"Available","status":"False"},{"type":"Progressing","status":"True"}]}}""",
            V1Patch.PatchType.StrategicMergePatch), "c", ns);
        var patched = await Client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(
            """{"status":{"conditions":[{"type":"Available","status":"True"}]}}""", V1Patch.PatchType.StrategicMergePatch), "c", ns);
        Assert.Equal(["Available=True", "Progressing=True"], patched.Status.Conditions.Select(c => $"{c.Type}={c.Status}"));
        Assert.Equal(1, patched.Metadata.Generation);
    }

    [Fact]
    public async Task Server_side_apply_creates_updates_and_drops_fields_the_manager_stopped_applying()
    {
        var ns = await fx.NewNamespaceAsync();
        var first = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","labels":{"owner":"op"}},"data":{"a":"1","b":"2"}}
            """, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "operator");
        Assert.Equal("operator", Assert.Single(first.Metadata.ManagedFields).Manager);

        // another writer adds a key the operator does not manage
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"user":"x"}}""", V1Patch.PatchType.MergePatch), "ssa", ns);

        var second = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"10"}}
            """, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "operator");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "10", ["user"] = "x" }, second.Data);
        Assert.True(second.Metadata.Labels is null || !second.Metadata.Labels.ContainsKey("owner"));

        var unchanged = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"10"}}
            """, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "operator");
        Assert.Equal(second.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Server_side_apply_conflicts_between_managers_unless_forced()
    {
        var ns = await fx.NewNamespaceAsync();
        V1Patch Apply(string value) => new($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owned"},"data":{"key":"{{{value}}}"}}""", V1Patch.PatchType.ApplyPatch);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("mine"), "owned", ns, fieldManager: "first");

        var e = await ApiAssert.FailsWith(HttpStatusCode.Conflict, () => Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("theirs"), "owned", ns, fieldManager: "second"));
        Assert.Contains("conflict with \"first\"", e.GetProperty("message").GetString());

        var forced = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("theirs"), "owned", ns, fieldManager: "second", force: true);
        Assert.Equal("theirs", forced.Data["key"]);
        Assert.Equal("second", Assert.Single(forced.Metadata.ManagedFields).Manager);
    }

    [Fact]
    public async Task Ordinary_writes_are_recorded_as_Update_managers_and_an_apply_conflicts_with_them()
    {
        var ns = await fx.NewNamespaceAsync();
        V1Patch Apply(string value) => new($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared"},"data":{"key":"{{{value}}}","other":"x"}}""", V1Patch.PatchType.ApplyPatch);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("v1"), "shared", ns, fieldManager: "operator");

        var edited = await Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"key":"hand-edited"}}""", V1Patch.PatchType.MergePatch), "shared", ns, fieldManager: "editor");
        var editor = Assert.Single(edited.Metadata.ManagedFields, m => m.Manager == "editor");
        Assert.Equal("Update", editor.Operation);

        // the editor now owns data.key with a different value than the operator applies
        var e = await ApiAssert.FailsWith(HttpStatusCode.Conflict, () => Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("v1"), "shared", ns, fieldManager: "operator"));
        Assert.Contains("conflict with \"editor\" using v1: .data.key", e.GetProperty("message").GetString());

        var forced = await Client.CoreV1.PatchNamespacedConfigMapAsync(Apply("v1"), "shared", ns, fieldManager: "operator", force: true);
        Assert.Equal("v1", forced.Data["key"]);
        Assert.DoesNotContain(forced.Metadata.ManagedFields, m => m.Manager == "editor");
    }

    [Fact]
    public async Task Create_records_the_writer_from_the_user_agent_when_no_field_manager_is_given()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "ua" },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        }, ns);
        var entry = Assert.Single(created.Metadata.ManagedFields);
        Assert.Equal("Update", entry.Operation);
        Assert.False(string.IsNullOrEmpty(entry.Manager));
    }

    [Fact]
    public async Task Server_side_apply_requires_a_field_manager()
    {
        var ns = await fx.NewNamespaceAsync();
        await ApiAssert.FailsWith(HttpStatusCode.BadRequest, () => Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}""", V1Patch.PatchType.ApplyPatch), "x", ns));
    }
}
