using StorageOperator.KubeEmulator.Selectors;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Units;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("app=web,tier in (front),!missing", true)]
    [InlineData("app=web,tier=back", false)]
    public void Label_selector_matches_like_the_API_server(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app in (x")]
    [InlineData("=x")]
    public void Malformed_label_selectors_are_rejected(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

    [Fact]
    public void Field_selector_reads_dotted_paths()
    {
        var obj = System.Text.Json.Nodes.JsonNode.Parse("""{"metadata":{"name":"a","namespace":"n"},"involvedObject":{"uid":"u"}}""")!.AsObject();
        Assert.True(FieldSelector.Parse("metadata.name=a,involvedObject.uid=u").Matches(obj));
        Assert.False(FieldSelector.Parse("metadata.namespace!=n").Matches(obj));
        Assert.Equal("a", FieldSelector.Parse("metadata.name==a").RequiredName);
    }
}
