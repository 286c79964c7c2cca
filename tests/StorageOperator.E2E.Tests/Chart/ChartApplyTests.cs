using k8s;
using StorageOperator.E2E.Tests.Infrastructure;
using StorageOperator.KubeEmulator.Hosting;
using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary>
/// The rendered chart applied with the real kubectl to the Kubernetes API emulator: every object is
/// accepted, lands where the chart says, and the CRDs show up in discovery so CRs can be applied.
/// </summary>
public sealed class ChartApplyTests
{
    private const string Group = "storage.storageoperator.io";

    private readonly Helm _helm = Helm.Locate();

    [Theory]
    [InlineData("cluster", true)]
    [InlineData("namespace", false)]
    public async Task Rendered_chart_applies_to_the_emulator_and_registers_the_crds(string scope, bool serverSide)
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var dir = new TempDirectory("chart-apply");
        var kubectl = new Kubectl(Kubectl.Locate(), emulator.WriteKubeconfig(Path.Combine(dir.Path, "kubeconfig")));
        var namespaces = Path.Combine(dir.Path, "namespaces.yaml");
        await File.WriteAllTextAsync(namespaces, $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Helm.ReleaseNamespace}\n");
        await kubectl.RunAsync("apply", "-f", namespaces);
        var rendered = await _helm.TemplateAsync($"rbac.scope={scope}");
        var manifest = Path.Combine(dir.Path, "rendered.yaml");
        await File.WriteAllTextAsync(manifest, rendered);
        string[] apply = serverSide ? ["apply", "--server-side", "--field-manager=helm-test", "-f", manifest] : ["apply", "-f", manifest];

        var first = await kubectl.RunAsync(apply);
        var second = await kubectl.RunAsync(apply);

        var expected = new RenderedChart(YamlDocuments.Parse(rendered)).Documents;
        Assert.Equal(expected.Count, first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("created", second);
        using var client = emulator.CreateClient();
        foreach (var document in expected)
        {
            var kind = RenderedChart.Kind(document)!;
            var name = RenderedChart.Name(document)!;
            var ns = RenderedChart.Namespace(document);
            var found = await kubectl.TryRunAsync(ns is null ? ["get", kind, name, "-o", "name"] : ["get", kind, name, "-n", ns, "-o", "name"]);
            Assert.True(found.ExitCode == 0, $"{kind} {ns}/{name} is not in the emulator:\n{found}");
        }
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(Helm.ReleaseName, Helm.ReleaseNamespace);
        Assert.Equal(Helm.ReleaseName, deployment.Spec.Template.Spec.ServiceAccountName);
        await client.CoreV1.ReadNamespacedServiceAccountAsync(Helm.ReleaseName, Helm.ReleaseNamespace);
        var clusterRoles = await client.RbacAuthorizationV1.ListClusterRoleAsync();
        Assert.Equal(scope == "cluster", clusterRoles.Items.Any(r => r.Metadata.Name == Helm.ReleaseName));
        var roles = await client.RbacAuthorizationV1.ListNamespacedRoleAsync(Helm.ReleaseNamespace);
        Assert.Equal(scope == "cluster" ? 1 : 2, roles.Items.Count);

        var resources = await kubectl.RunAsync("api-resources", $"--api-group={Group}", "-o", "name");
        Assert.Equal([$"keyservers.{Group}", $"objectstores.{Group}"], resources.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order());
        var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"objectstores.{Group}");
        Assert.Equal("keep", crd.Metadata.Annotations["helm.sh/resource-policy"]);
    }

    [Fact]
    public async Task Minimal_example_applies_against_the_chart_crds()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var dir = new TempDirectory("chart-example");
        var kubectl = new Kubectl(Kubectl.Locate(), emulator.WriteKubeconfig(Path.Combine(dir.Path, "kubeconfig")));
        var crds = Path.Combine(dir.Path, "crds.yaml");
        await File.WriteAllTextAsync(crds, await _helm.TemplateWithArgsAsync(["--show-only", "templates/crds.yaml"]));
        await kubectl.RunAsync("apply", "--server-side", "-f", crds);
        var example = Path.Combine(Repository.Examples, "minimal.yaml");
        Assert.True(File.Exists(example), $"{example} is missing");

        var applied = await kubectl.RunAsync("apply", "--server-side", "-f", example);

        var kinds = YamlDocuments.Parse(await File.ReadAllTextAsync(example)).Select(RenderedChart.Kind).ToHashSet();
        Assert.Contains("ObjectStore", kinds);
        Assert.Contains("KeyServer", kinds);
        Assert.Contains("serverside-applied", applied);
        var listed = await kubectl.RunAsync("get", "objectstores,keyservers", "--all-namespaces", "-o", "name");
        Assert.Contains($"objectstore.{Group}/", listed);
        Assert.Contains($"keyserver.{Group}/", listed);
    }
}
