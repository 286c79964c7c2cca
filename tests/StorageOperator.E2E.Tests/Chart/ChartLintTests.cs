using StorageOperator.E2E.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary><c>helm lint --strict</c> and <c>helm template</c> with the real helm binary, for both RBAC scopes.</summary>
public sealed class ChartLintTests
{
    private readonly Helm _helm = Helm.Locate();

    [Theory]
    [InlineData("cluster")]
    [InlineData("namespace")]
    public async Task Lint_strict_passes(string scope)
    {
        var lint = await _helm.LintAsync($"rbac.scope={scope}");

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.Contains("0 chart(s) failed", lint.StdOut);
        Assert.DoesNotContain("[WARNING]", lint.StdOut);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("namespace")]
    public async Task Template_renders_well_formed_objects_in_the_release_namespace(string scope)
    {
        var chart = await _helm.RenderAsync($"rbac.scope={scope}");

        Assert.NotEmpty(chart.Documents);
        Assert.All(chart.Documents, d =>
        {
            Assert.False(string.IsNullOrEmpty((string?)d["apiVersion"]), chart.Describe());
            Assert.False(string.IsNullOrEmpty(RenderedChart.Kind(d)), chart.Describe());
            Assert.False(string.IsNullOrEmpty(RenderedChart.Name(d)), chart.Describe());
        });
        var clusterScoped = new HashSet<string> { "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding" };
        Assert.All(chart.Documents.Where(d => !clusterScoped.Contains(RenderedChart.Kind(d)!)),
            d => Assert.Equal(Helm.ReleaseNamespace, RenderedChart.Namespace(d)));
        Assert.Single(chart.OfKind("Deployment"));
        Assert.Single(chart.OfKind("ServiceAccount"));
    }

    [Theory]
    [InlineData("cluster", "")]
    [InlineData("namespace", " -n storage-system")]
    public async Task Notes_name_the_minimal_example_its_objects_and_their_client_secret(string scope, string namespaceFlag)
    {
        var example = YamlDocuments.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Examples, "minimal.yaml")));
        var store = RenderedChart.Name(Assert.Single(example, d => RenderedChart.Kind(d) == "ObjectStore"));
        var keyServer = RenderedChart.Name(Assert.Single(example, d => RenderedChart.Kind(d) == "KeyServer"));

        var install = await _helm.RunAsync(["install", Helm.ReleaseName, Repository.Chart, "--namespace", Helm.ReleaseNamespace, "--dry-run=client", "--set", $"rbac.scope={scope}"]);

        Assert.True(install.ExitCode == 0, install.ToString());
        var notes = install.StdOut[install.StdOut.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.Contains($"kubectl apply{namespaceFlag} -f examples/minimal.yaml", notes);
        Assert.Contains($"kubectl wait{namespaceFlag} --for=condition=Ready keyserver/{keyServer} objectstore/{store}", notes);
        Assert.Contains($"\"{store}-client\"", notes);
        Assert.True(File.Exists(Repository.Path("examples", "restic-backup-cronjob.yaml")));
        Assert.True(File.Exists(Repository.Path("docs", "INSTALL.md")), "NOTES.txt points at docs/INSTALL.md");
    }

    [Fact]
    public void Locator_fails_with_the_make_target_to_run_when_helm_is_missing()
    {
        using var empty = new TempDirectory("no-helm");

        var e = Assert.Throws<HelmNotFoundException>(() => HelmLocator.Locate(empty.Path));

        Assert.Contains("make tools", e.Message);
        Assert.Contains(Path.Combine(empty.Path, ".tools", "helm"), e.Message);
    }

    [Fact]
    public void Locator_finds_the_repository_tools_helm()
    {
        Assert.Equal(Path.Combine(Repository.Root, ".tools", "helm"), HelmLocator.Locate());
    }
}
