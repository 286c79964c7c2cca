using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Conformance;

public sealed class CustomResourceTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private const string G = TestCrds.Group;
    private const string V = TestCrds.Version;
    private const string P = TestCrds.Plural;

    private IKubernetes Client => fx.Client;

    private async Task InstallAsync(string yaml)
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
        try
        {
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // installed by an earlier test of this class
        }
    }

    private static JsonObject Widget(string name, JsonObject spec) => new()
    {
        ["apiVersion"] = $"{G}/{V}",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = spec,
    };

    private static JsonObject AsNode(object o) => JsonNode.Parse(JsonSerializer.Serialize(o))!.AsObject();

    [Fact]
    public async Task Creating_a_CRD_serves_its_resource_in_discovery_immediately()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.test.example.com");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");

        var resources = await Client.CustomObjects.GetAPIResourcesAsync(G, V);
        var widgets = Assert.Single(resources.Resources, r => r.Name == P);
        Assert.Equal("Widget", widgets.Kind);
        Assert.True(widgets.Namespaced);
        Assert.Equal(["wd"], widgets.ShortNames);
        Assert.Contains(resources.Resources, r => r.Name == "widgets/status");
        var groups = await Client.Apis.GetAPIVersionsAsync();
        Assert.Contains(groups.Groups, g => g.Name == G && g.PreferredVersion.Version == V);
    }

    [Fact]
    public async Task Custom_objects_get_defaults_and_unknown_fields_pruned()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        var spec = new JsonObject { ["size"] = 2, ["unknown"] = "dropped", ["extra"] = new JsonObject { ["kept"] = true }, ["labels"] = new JsonObject { ["a"] = "b" } };
        var created = AsNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("w", spec), G, V, ns, P));

        Assert.Equal("Fast", created["spec"]!["mode"]!.GetValue<string>());
        Assert.Null(created["spec"]!["unknown"]);
        Assert.True(created["spec"]!["extra"]!["kept"]!.GetValue<bool>());
        Assert.Equal("b", created["spec"]!["labels"]!["a"]!.GetValue<string>());
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Invalid_custom_objects_are_rejected_with_every_field_error()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        var spec = new JsonObject
        {
            ["size"] = 11,
            ["mode"] = "Turbo",
            ["name"] = "UPPER-and-too-long",
            ["tags"] = new JsonArray("ok", "x", "three"),
        };
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity,
            () => Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("bad", spec), G, V, ns, P));
        Assert.Equal("Invalid", e.GetProperty("reason").GetString());
        var fields = e.GetProperty("details").GetProperty("causes").EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToList();
        Assert.Contains("spec.size", fields);
        Assert.Contains("spec.mode", fields);
        Assert.Equal(2, fields.Count(f => f == "spec.name"));
        Assert.Contains("spec.tags", fields);
        Assert.Contains("spec.tags[1]", fields);
        Assert.StartsWith("Widget.test.example.com \"bad\" is invalid: [", e.GetProperty("message").GetString());

        var missing = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity,
            () => Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("bad", new JsonObject { ["size"] = "three" }), G, V, ns, P));
        Assert.Contains("must be of type integer", missing.GetProperty("message").GetString());

        var required = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity,
            () => Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("bad", new JsonObject()), G, V, ns, P));
        var cause = Assert.Single(required.GetProperty("details").GetProperty("causes").EnumerateArray());
        Assert.Equal(("spec.size", "FieldValueRequired"), (cause.GetProperty("field").GetString(), cause.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Status_subresource_separates_spec_and_status_writes()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        var body = Widget("s", new JsonObject { ["size"] = 1 });
        body["status"] = new JsonObject { ["phase"] = "ignored-on-create" };
        var created = AsNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, G, V, ns, P));
        Assert.Null(created["status"]);

        var status = await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""
            {"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","reason":"Up","lastTransitionTime":"2026-01-01T00:00:00Z"}]},"spec":{"size":9}}
            """, V1Patch.PatchType.MergePatch), G, V, ns, P, "s");
        var afterStatus = AsNode(status);
        Assert.Equal("Running", afterStatus["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(1, afterStatus["spec"]!["size"]!.GetValue<long>());
        Assert.Equal(1, afterStatus["metadata"]!["generation"]!.GetValue<long>());

        afterStatus["spec"]!["size"] = 5;
        afterStatus["status"]!["phase"] = "ignored-on-main-resource";
        var replaced = AsNode(await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(afterStatus, G, V, ns, P, "s"));
        Assert.Equal(5, replaced["spec"]!["size"]!.GetValue<long>());
        Assert.Equal("Running", replaced["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, replaced["metadata"]!["generation"]!.GetValue<long>());

        await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"Maybe"}]}}""", V1Patch.PatchType.MergePatch), G, V, ns, P, "s"));
    }

    [Fact]
    public async Task Strategic_merge_patch_is_unsupported_for_custom_resources()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("p", new JsonObject { ["size"] = 1 }), G, V, ns, P);
        await ApiAssert.FailsWith(HttpStatusCode.UnsupportedMediaType, () => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.StrategicMergePatch), G, V, ns, P, "p"));
    }

    [Fact]
    public async Task Server_side_apply_with_status_applies_only_status_through_the_subresource()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        var applied = AsNode(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch($$$"""
            {"apiVersion":"{{{G}}}/{{{V}}}","kind":"Widget","metadata":{"name":"ssa"},"spec":{"size":3},"status":{"phase":"ignored"}}
            """, V1Patch.PatchType.ApplyPatch), G, V, ns, P, "ssa", fieldManager: "op", force: true));
        Assert.Equal(3, applied["spec"]!["size"]!.GetValue<long>());
        Assert.Null(applied["status"]);

        var status = AsNode(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch($$$"""
            {"apiVersion":"{{{G}}}/{{{V}}}","kind":"Widget","metadata":{"name":"ssa"},"status":{"phase":"Ready"}}
            """, V1Patch.PatchType.ApplyPatch), G, V, ns, P, "ssa", fieldManager: "op", force: true));
        Assert.Equal("Ready", status["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(3, status["spec"]!["size"]!.GetValue<long>());
    }

    [Fact]
    public async Task Table_output_uses_the_printer_columns()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("t", new JsonObject { ["size"] = 4 }), G, V, ns, P);
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(
            """{"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), G, V, ns, P, "t");

        using var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Issuer == fx.Emulator.CaCertificate!.Subject,
        }) { BaseAddress = fx.Emulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", fx.Emulator.Token);
        http.DefaultRequestHeaders.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        var table = JsonNode.Parse(await http.GetStringAsync($"/apis/{G}/{V}/namespaces/{ns}/{P}"))!;

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Size", "Ready", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("t", cells[0]!.GetValue<string>());
        Assert.Equal(4, cells[1]!.GetValue<long>());
        Assert.Equal("True", cells[2]!.GetValue<string>());
        Assert.EndsWith("s", cells[3]!.GetValue<string>());
    }

    [Fact]
    public async Task Cert_manager_Certificate_CRD_is_served_and_validated()
    {
        await InstallAsync(TestCrds.CertManagerCertificateCrd);
        var ns = await fx.NewNamespaceAsync();
        var cert = new JsonObject
        {
            ["apiVersion"] = "cert-manager.io/v1",
            ["kind"] = "Certificate",
            ["metadata"] = new JsonObject { ["name"] = "server" },
            ["spec"] = new JsonObject
            {
                ["secretName"] = "server-tls",
                ["dnsNames"] = new JsonArray("s3.example.com"),
                ["issuerRef"] = new JsonObject { ["name"] = "ca", ["kind"] = "Issuer" },
                ["usages"] = new JsonArray("server auth"),
            },
        };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(cert, "cert-manager.io", "v1", ns, "certificates");
        var list = AsNode(await Client.CustomObjects.ListNamespacedCustomObjectAsync("cert-manager.io", "v1", ns, "certificates"));
        Assert.Equal("CertificateList", list["kind"]!.GetValue<string>());
        Assert.Single(list["items"]!.AsArray());

        cert["metadata"]!["name"] = "bad";
        cert["spec"]!.AsObject().Remove("secretName");
        cert["spec"]!["usages"] = new JsonArray("everything");
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity,
            () => Client.CustomObjects.CreateNamespacedCustomObjectAsync(cert, "cert-manager.io", "v1", ns, "certificates"));
        var fields = e.GetProperty("details").GetProperty("causes").EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToList();
        Assert.Equal(["spec.usages[0]", "spec.secretName"], fields);
    }

    [Fact]
    public async Task Deleting_a_CRD_removes_its_objects_and_its_discovery()
    {
        const string crdYaml = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.tmp.example.com}
            spec:
              group: tmp.example.com
              scope: Cluster
              names: {plural: gadgets, singular: gadget, kind: Gadget}
              versions:
              - name: v1
                served: true
                storage: true
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """;
        await InstallAsync(crdYaml);
        await Client.CustomObjects.CreateClusterCustomObjectAsync(new JsonObject
        {
            ["apiVersion"] = "tmp.example.com/v1", ["kind"] = "Gadget", ["metadata"] = new JsonObject { ["name"] = "g" }, ["any"] = 1,
        }, "tmp.example.com", "v1", "gadgets");
        Assert.Equal(1, AsNode(await Client.CustomObjects.GetClusterCustomObjectAsync("tmp.example.com", "v1", "gadgets", "g"))["any"]!.GetValue<long>());

        await Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("gadgets.tmp.example.com");
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CustomObjects.GetClusterCustomObjectAsync("tmp.example.com", "v1", "gadgets", "g"));
        Assert.DoesNotContain((await Client.Apis.GetAPIVersionsAsync()).Groups, g => g.Name == "tmp.example.com");
    }

    [Fact]
    public async Task Deleting_a_custom_resource_with_a_finalizer_waits_and_then_collects_its_owned_children()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        var body = Widget("owner", new JsonObject { ["size"] = 1 });
        body["metadata"]!["finalizers"] = new JsonArray("test.example.com/cleanup");
        var owner = AsNode(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, G, V, ns, P));
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "owned",
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = $"{G}/{V}", Kind = "Widget", Name = "owner",
                        Uid = owner["metadata"]!["uid"]!.GetValue<string>(), Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
        }, ns);

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(G, V, ns, P, "owner");
        var terminating = AsNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync(G, V, ns, P, "owner"));
        Assert.NotNull(terminating["metadata"]!["deletionTimestamp"]);
        Assert.NotNull(await Client.CoreV1.ReadNamespacedSecretAsync("owned", ns));

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(
            """[{"op":"remove","path":"/metadata/finalizers/0"}]""", V1Patch.PatchType.JsonPatch), G, V, ns, P, "owner");
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CustomObjects.GetNamespacedCustomObjectAsync(G, V, ns, P, "owner"));
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedSecretAsync("owned", ns));
    }

    [Fact]
    public async Task Custom_resources_only_support_metadata_field_selectors()
    {
        await InstallAsync(TestCrds.WidgetCrd);
        var ns = await fx.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("f", new JsonObject { ["size"] = 1 }), G, V, ns, P);
        var byName = AsNode(await Client.CustomObjects.ListNamespacedCustomObjectAsync(G, V, ns, P, fieldSelector: "metadata.name=f"));
        Assert.Single(byName["items"]!.AsArray());
        await ApiAssert.FailsWith(HttpStatusCode.BadRequest,
            () => Client.CustomObjects.ListNamespacedCustomObjectAsync(G, V, ns, P, fieldSelector: "spec.size=1"));
    }

    [Fact]
    public async Task A_multi_version_CRD_serves_one_object_under_every_served_version()
    {
        const string crdYaml = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: things.multi.example.com}
            spec:
              group: multi.example.com
              scope: Namespaced
              names: {plural: things, singular: thing, kind: Thing}
              versions:
              - name: v1alpha1
                served: true
                storage: false
                schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {a: {type: string}}}}}}
              - name: v1beta1
                served: true
                storage: true
                schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {a: {type: string}}}}}}
            """;
        await InstallAsync(crdYaml);
        var ns = await fx.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject
        {
            ["apiVersion"] = "multi.example.com/v1alpha1", ["kind"] = "Thing",
            ["metadata"] = new JsonObject { ["name"] = "t" }, ["spec"] = new JsonObject { ["a"] = "x" },
        }, "multi.example.com", "v1alpha1", ns, "things");

        var asBeta = AsNode(await Client.CustomObjects.GetNamespacedCustomObjectAsync("multi.example.com", "v1beta1", ns, "things", "t"));
        Assert.Equal("multi.example.com/v1beta1", asBeta["apiVersion"]!.GetValue<string>());
        Assert.Equal("x", asBeta["spec"]!["a"]!.GetValue<string>());
        var group = Assert.Single((await Client.Apis.GetAPIVersionsAsync()).Groups, g => g.Name == "multi.example.com");
        Assert.Equal("v1beta1", group.PreferredVersion.Version);
        Assert.Equal(["v1beta1", "v1alpha1"], group.Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task A_CRD_whose_name_does_not_match_is_invalid()
    {
        var yaml = TestCrds.WidgetCrd.Replace("name: widgets.test.example.com", "name: wrong.test.example.com");
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd));
        Assert.Contains("metadata.name", e.GetProperty("message").GetString());
    }
}
