using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Crds;
using StorageOperator.Operator.Tests.Support;
using Xunit;

namespace StorageOperator.Operator.Tests.Crds;

public sealed class CrdDriftTests
{
    [Fact]
    public void Checked_in_crds_match_what_the_CSharp_types_generate()
    {
        var drift = CrdFiles.Drift(RepoPaths.Crds);
        Assert.True(drift.Count == 0, $"crds/ is out of date for: {string.Join(", ", drift)}. Run `make crds`.");
    }

    [Fact]
    public void No_stray_crd_files()
    {
        var expected = CrdGenerator.GenerateFiles().Keys.ToHashSet();
        var present = Directory.GetFiles(RepoPaths.Crds, "*.yaml").Select(Path.GetFileName).ToHashSet();
        Assert.Subset(expected, present!);
        Assert.Superset(expected, present!);
    }

    [Fact]
    public void Generated_crds_load_as_CustomResourceDefinitions_with_status_subresource_and_short_names()
    {
        var crds = CrdGenerator.GenerateFiles().Values.Select(y => KubernetesYaml.Deserialize<V1CustomResourceDefinition>(y)).ToDictionary(c => c.Spec.Names.Kind);
        var os = crds["ObjectStore"];
        Assert.Equal("objectstores.storage.storageoperator.io", os.Metadata.Name);
        Assert.Equal(ApiGroup.Name, os.Spec.Group);
        Assert.Equal(["os", "objstore"], os.Spec.Names.ShortNames);
        var version = Assert.Single(os.Spec.Versions);
        Assert.Equal("v1alpha1", version.Name);
        Assert.NotNull(version.Subresources?.Status);
        Assert.Equal(["Ready", "Reason", "Endpoint", "Replicas", "Age"], version.AdditionalPrinterColumns.Select(c => c.Name));
        Assert.Equal(["ks"], crds["KeyServer"].Spec.Names.ShortNames);
    }

    [Fact]
    public void Schema_carries_enums_defaults_patterns_and_required_fields()
    {
        var schema = CrdGenerator.Generate(typeof(ObjectStore)).Spec.Versions[0].Schema.OpenAPIV3Schema;
        var spec = schema.Properties["spec"];
        Assert.Contains("spec", schema.Required);
        Assert.Contains("storage", spec.Required);

        var mode = spec.Properties["tls"].Properties["mode"];
        Assert.Equal(["SelfSignedCA", "CertManager", "External", "Disabled"], mode.EnumProperty.Select(v => v.ToString()));
        Assert.Equal("SelfSignedCA", mode.DefaultProperty?.ToString());

        var auto = spec.Properties["encryption"].Properties["auto"].Properties["mode"];
        Assert.Equal(["Off", "SSE-S3", "SSE-KMS"], auto.EnumProperty.Select(v => v.ToString()));

        Assert.Equal(1d, spec.Properties["replicas"].Minimum);
        Assert.NotNull(spec.Properties["storage"].Properties["volume"].Properties["size"].Pattern);
        Assert.Contains(spec.Properties["storage"].XKubernetesValidations, r => r.Rule.Contains("s3Gateway", StringComparison.Ordinal));
        Assert.True(spec.Properties["affinity"].XKubernetesPreserveUnknownFields);

        var conditions = schema.Properties["status"].Properties["conditions"];
        Assert.Equal("map", conditions.XKubernetesListType);
        var condition = (V1JSONSchemaProps)conditions.Items;
        Assert.Equal(["type", "status", "lastTransitionTime", "reason", "message"], condition.Required);
        Assert.Contains("observedGeneration", condition.Properties.Keys);
    }

    [Fact]
    public void Every_serialized_field_of_a_full_object_exists_in_the_schema()
    {
        var store = Samples.FullObjectStore();
        var json = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(store))!;
        var schema = CrdGenerator.Generate(typeof(ObjectStore)).Spec.Versions[0].Schema.OpenAPIV3Schema;
        var missing = new List<string>();
        Walk(json["spec"]!, schema.Properties["spec"], "spec", missing);
        Walk(json["status"]!, schema.Properties["status"], "status", missing);
        Assert.Empty(missing);
    }

    private static void Walk(System.Text.Json.Nodes.JsonNode node, V1JSONSchemaProps schema, string path, List<string> missing)
    {
        if (schema.XKubernetesPreserveUnknownFields == true)
        {
            return;
        }
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj when schema.Properties is not null:
                foreach (var (name, child) in obj)
                {
                    if (!schema.Properties.TryGetValue(name, out var childSchema))
                    {
                        missing.Add($"{path}.{name}");
                    }
                    else if (child is not null)
                    {
                        Walk(child, childSchema, $"{path}.{name}", missing);
                    }
                }
                break;
            case System.Text.Json.Nodes.JsonArray array when schema.Items is V1JSONSchemaProps items:
                foreach (var item in array)
                {
                    Walk(item!, items, $"{path}[]", missing);
                }
                break;
        }
    }
}
