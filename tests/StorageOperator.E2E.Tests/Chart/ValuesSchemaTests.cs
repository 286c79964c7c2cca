using StorageOperator.E2E.Tests.Infrastructure;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary>values.schema.json stops bad values at <c>helm template</c>/<c>install</c> time, naming the field.</summary>
public sealed class ValuesSchemaTests
{
    private readonly Helm _helm = Helm.Locate();

    [Theory]
    [InlineData("rbac.scope=bogus", "/rbac/scope")]
    [InlineData("replicaCount=0", "/replicaCount")]
    [InlineData("image.pullPolicy=Sometimes", "/image/pullPolicy")]
    [InlineData("image.repository=", "/image/repository")]
    [InlineData("metrics.port=70000", "/metrics/port")]
    [InlineData("logLevel=Verbose", "/logLevel")]
    [InlineData("watchNamespaces={Not_A_Namespace}", "/watchNamespaces/0")]
    [InlineData("watchNamespaces={a,b}", "/watchNamespaces")]
    [InlineData("leaderElection.enabled=maybe", "/leaderElection/enabled")]
    [InlineData("rbac.scopes=cluster", "scopes")]
    [InlineData("replicaCunt=2", "replicaCunt")]
    public async Task Bad_values_are_rejected_naming_the_field(string set, string field)
    {
        var result = await _helm.TryTemplateAsync(set);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", result.StdErr);
        Assert.Contains(field, result.StdErr);
    }

    [Theory]
    [InlineData("rbac.scope=namespace")]
    [InlineData("rbac.scope=namespace", "watchNamespaces={apps}")]
    [InlineData("replicaCount=2")]
    [InlineData("image.tag=1.2.3", "image.pullPolicy=Always")]
    [InlineData("metrics.enabled=false")]
    [InlineData("metrics.serviceMonitor.enabled=true", "metrics.serviceMonitor.labels.release=prometheus")]
    [InlineData("serviceAccount.create=false", "serviceAccount.name=existing")]
    [InlineData("rbac.create=false")]
    [InlineData("logLevel=Debug")]
    public async Task Good_values_render(params string[] sets)
    {
        var result = await _helm.TryTemplateAsync(sets);

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
