using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Patching;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Units;

public sealed class StrategicMergePatchTests
{
    private static string Apply(string target, string patch) =>
        StrategicMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!.ToJsonString();

    [Fact]
    public void Volumes_and_mounts_merge_by_their_keys_and_directives_are_stripped()
    {
        var result = Apply(
            """{"volumes":[{"name":"a","emptyDir":{}},{"name":"b"}],"volumeMounts":[{"mountPath":"/a","name":"a"}]}""",
            """{"$setElementOrder/volumes":[{"name":"a"},{"name":"c"}],"volumes":[{"name":"b","$patch":"delete"},{"name":"c","secret":{"secretName":"s"}}],"volumeMounts":[{"mountPath":"/a","readOnly":true}]}""");
        Assert.Equal("""{"volumes":[{"name":"a","emptyDir":{}},{"name":"c","secret":{"secretName":"s"}}],"volumeMounts":[{"mountPath":"/a","name":"a","readOnly":true}]}""", result);
    }

    [Fact]
    public void Lists_without_a_merge_key_are_replaced_and_finalizers_are_a_set()
    {
        Assert.Equal("""{"args":["x"]}""", Apply("""{"args":["a","b"]}""", """{"args":["x"]}"""));
        Assert.Equal("""{"finalizers":["a","b"]}""", Apply("""{"finalizers":["a"]}""", """{"finalizers":["b","a"]}"""));
        Assert.Equal("""{"finalizers":["b"]}""", Apply("""{"finalizers":["a","b"]}""", """{"$deleteFromPrimitiveList/finalizers":["a"]}"""));
    }

    [Fact]
    public void Service_ports_merge_by_port_and_null_removes()
    {
        Assert.Equal("""{"ports":[{"port":80,"name":"web"},{"port":443}],"type":"ClusterIP"}""",
            Apply("""{"ports":[{"port":80}],"type":"ClusterIP","x":1}""", """{"ports":[{"port":80,"name":"web"},{"port":443}],"x":null}"""));
    }

    [Fact]
    public void Patch_replace_directive_replaces_a_map()
    {
        Assert.Equal("""{"m":{"b":2}}""", Apply("""{"m":{"a":1}}""", """{"m":{"$patch":"replace","b":2}}"""));
    }
}
