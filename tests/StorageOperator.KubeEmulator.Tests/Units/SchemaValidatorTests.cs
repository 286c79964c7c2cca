using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Validation;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Units;

public sealed class SchemaValidatorTests
{
    private static readonly JsonObject Schema = JsonNode.Parse("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "port":{"x-kubernetes-int-or-string":true},
          "ratio":{"type":"number","minimum":0,"maximum":1,"exclusiveMaximum":true},
          "nested":{"type":"object","default":{},"properties":{"enabled":{"type":"boolean","default":true}}},
          "items":{"type":"array","minItems":1,"items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}}
        }}}}
        """)!.AsObject();

    private static (JsonObject Obj, IReadOnlyList<ValidationCause> Causes, List<string> Pruned) Run(string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        var pruned = new List<string>();
        var causes = SchemaValidator.PruneDefaultAndValidate(obj, Schema, pruned);
        return (obj, causes, pruned);
    }

    [Fact]
    public void Nested_defaults_apply_and_unknown_fields_are_pruned_and_reported()
    {
        var (obj, causes, pruned) = Run("""{"apiVersion":"x/v1","kind":"K","metadata":{"name":"n"},"spec":{"port":"http","items":[{"name":"a","junk":1}]},"junk":2}""");
        Assert.Empty(causes);
        Assert.True(obj["spec"]!["nested"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(["spec.items[0].junk", "junk"], pruned);
        Assert.Equal("n", obj["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void All_errors_are_reported_with_field_paths()
    {
        var (_, causes, _) = Run("""{"spec":{"port":true,"ratio":1,"items":[{}]}}""");
        Assert.Equal(["spec.port", "spec.ratio", "spec.items[0].name"], causes.Select(c => c.Field));
        Assert.Equal("FieldValueRequired", causes[2].Reason);
        var (_, empty, _) = Run("""{"spec":{"items":[]}}""");
        Assert.Equal("spec.items", Assert.Single(empty).Field);
    }
}
