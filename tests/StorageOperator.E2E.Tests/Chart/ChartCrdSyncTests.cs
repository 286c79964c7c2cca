using System.Text.Json.Nodes;
using StorageOperator.E2E.Tests.Infrastructure;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary>The chart ships exactly the CRDs in crds/ (copied by <c>make chart-crds</c>), and renders them unchanged.</summary>
public sealed class ChartCrdSyncTests
{
    private const string KeepAnnotation = "helm.sh/resource-policy";

    private readonly Helm _helm = Helm.Locate();

    private static string[] FileNames(string dir) =>
        [.. Directory.GetFiles(dir, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public void Chart_files_crds_equal_crds_byte_for_byte()
    {
        Assert.True(Directory.Exists(Repository.ChartCrds), $"{Repository.ChartCrds} is missing: run `make chart-crds`");
        var source = FileNames(Repository.Crds);
        Assert.NotEmpty(source);

        Assert.Equal(source, FileNames(Repository.ChartCrds));
        foreach (var name in source)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(Repository.Crds, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Repository.ChartCrds, name))),
                $"charts/storage-operator/files/crds/{name} differs from crds/{name}: run `make chart-crds`");
        }
    }

    [Fact]
    public async Task Rendered_crds_mean_the_same_as_the_source_files_plus_the_keep_annotation()
    {
        var rendered = (await _helm.RenderAsync()).OfKind("CustomResourceDefinition").ToDictionary(d => RenderedChart.Name(d)!);
        var sources = Directory.GetFiles(Repository.Crds, "*.yaml").Select(f => YamlDocuments.ParseSingle(File.ReadAllText(f))).ToList();

        Assert.Equal(sources.Select(RenderedChart.Name).Order(), rendered.Keys.Order());
        foreach (var source in sources)
        {
            var copy = (JsonObject)rendered[RenderedChart.Name(source)!].DeepClone();
            var annotations = (JsonObject)copy["metadata"]!["annotations"]!;
            Assert.Equal("keep", (string?)annotations[KeepAnnotation]);
            annotations.Remove(KeepAnnotation);
            if (annotations.Count == 0)
            {
                ((JsonObject)copy["metadata"]!).Remove("annotations");
            }
            // helm's fromYaml | toYaml round trip must not change a value (e.g. large integers into 1e+06).
            Assert.True(JsonNode.DeepEquals(source, copy), $"{RenderedChart.Name(source)} renders differently from crds/:\n{copy}");
        }
    }

    [Fact]
    public async Task Crds_install_false_renders_no_crds()
    {
        var chart = await _helm.RenderAsync("crds.install=false");

        Assert.Empty(chart.OfKind("CustomResourceDefinition"));
        Assert.NotEmpty(chart.OfKind("Deployment"));
    }

    [Fact]
    public async Task Crds_keep_false_drops_the_resource_policy()
    {
        var crds = (await _helm.RenderAsync("crds.keep=false")).OfKind("CustomResourceDefinition").ToList();

        Assert.NotEmpty(crds);
        Assert.All(crds, crd => Assert.Null(crd["metadata"]!["annotations"]?[KeepAnnotation]));
    }
}
