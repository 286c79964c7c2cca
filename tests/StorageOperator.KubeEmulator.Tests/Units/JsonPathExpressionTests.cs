using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Units;

public sealed class JsonPathExpressionTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"spec":{"size":3,"endpoints":["a","b"]},
         "status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Synced","status":"True"}]},
         "metadata":{"labels":{"app.kubernetes.io/name":"x"}}}
        """)!;

    [Theory]
    [InlineData(".spec.size", "3")]
    [InlineData("{.spec.size}", "3")]
    [InlineData(".spec.endpoints[1]", "b")]
    [InlineData(".spec.endpoints[*]", "a|b")]
    [InlineData(".status.conditions[?(@.type==\"Synced\")].status", "True")]
    [InlineData(".status.conditions[?(@.type=='Ready')].status", "False")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", "x")]
    [InlineData(".spec.missing", "")]
    public void Evaluates_the_printer_column_subset(string path, string expected) =>
        Assert.Equal(expected, string.Join("|", JsonPathExpression.Parse(path).Evaluate(Doc).Select(JsonTree.ScalarText)));
}
