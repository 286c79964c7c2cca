using StorageOperator.E2E.Tests.Infrastructure;
using StorageOperator.KubeEmulator.Hosting;
using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.EndToEnd;

/// <summary>
/// The K3s test's adjustment of examples/minimal.yaml, checked where Docker is absent: the result keeps
/// the example's objects and survives the CRD schema (nothing the test relies on is pruned).
/// </summary>
public sealed class ExampleManifestTests
{
    private static string MinimalYaml() => File.ReadAllText(Path.Combine(Repository.Examples, "minimal.yaml"));

    [Fact]
    public void Adds_localhost_and_sse_s3_and_places_everything_in_the_test_namespace()
    {
        var example = ExampleManifest.ForPortForward(MinimalYaml(), "e2e");

        Assert.Equal("e2e", example.Namespace);
        Assert.All(example.Documents, d => Assert.Equal("e2e", RenderedChart.Namespace(d)));
        var store = Assert.Single(example.Documents, d => RenderedChart.Kind(d) == "ObjectStore");
        Assert.Equal(example.ObjectStore, RenderedChart.Name(store));
        Assert.Contains("localhost", store["spec"]!["tls"]!["selfSignedCA"]!["extraDNSNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("SSE-S3", (string?)store["spec"]!["encryption"]!["auto"]!["mode"]);
        var keyServer = Assert.Single(example.Documents, d => RenderedChart.Kind(d) == "KeyServer");
        Assert.Equal(example.KeyServer, RenderedChart.Name(keyServer));
        Assert.Equal(example.KeyServer, (string?)store["spec"]!["encryption"]!["keyServerRef"]!["name"]);
    }

    [Fact]
    public void Does_not_change_the_source_documents_and_is_idempotent()
    {
        var yaml = MinimalYaml();
        var once = ExampleManifest.ForPortForward(yaml, "e2e");
        var twice = ExampleManifest.ForPortForward(once.Documents, "e2e");

        Assert.Equal(yaml, MinimalYaml());
        Assert.Equal(once.Documents.Select(d => d.ToJsonString()), twice.Documents.Select(d => d.ToJsonString()));
    }

    [Fact]
    public async Task Adjusted_manifest_applies_to_the_crds_with_its_additions_kept()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var dir = new TempDirectory("example-manifest");
        var kubectl = new Kubectl(Kubectl.Locate(), emulator.WriteKubeconfig(Path.Combine(dir.Path, "kubeconfig")));
        var crds = Path.Combine(dir.Path, "crds.yaml");
        await File.WriteAllTextAsync(crds, await Helm.Locate().TemplateWithArgsAsync(["--show-only", "templates/crds.yaml"]));
        await kubectl.RunAsync("apply", "--server-side", "-f", crds);
        var example = ExampleManifest.ForPortForward(MinimalYaml(), "e2e");
        var manifest = example.WriteTo(Path.Combine(dir.Path, "minimal"), ExampleManifest.NamespaceObject(example.Namespace));

        await kubectl.RunAsync("apply", "--server-side", "-f", manifest);

        var names = await kubectl.RunAsync("get", "objectstore", example.ObjectStore, "-n", example.Namespace, "-o", "jsonpath={.spec.tls.selfSignedCA.extraDNSNames}");
        Assert.Contains("localhost", names);
        var mode = await kubectl.RunAsync("get", "objectstore", example.ObjectStore, "-n", example.Namespace, "-o", "jsonpath={.spec.encryption.auto.mode}");
        Assert.Equal("SSE-S3", mode.Trim());
        await kubectl.RunAsync("get", "keyserver", example.KeyServer, "-n", example.Namespace);
    }
}
