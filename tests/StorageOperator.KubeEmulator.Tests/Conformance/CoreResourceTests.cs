using System.Net;
using k8s;
using k8s.Models;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Conformance;

public sealed class CoreResourceTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private IKubernetes Client => fx.Client;

    private static V1ConfigMap ConfigMap(string name, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    [Fact]
    public async Task Create_sets_uid_resourceVersion_and_creationTimestamp_and_get_returns_it()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), ns);

        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("a", ns);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("v", read.Data["k"]);
    }

    [Fact]
    public async Task Missing_object_is_404_NotFound_and_duplicate_is_409_AlreadyExists()
    {
        var ns = await fx.NewNamespaceAsync();
        var notFound = await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedSecretAsync("nope", ns));
        Assert.Equal("NotFound", notFound.GetProperty("reason").GetString());
        Assert.Equal("secrets \"nope\" not found", notFound.GetProperty("message").GetString());

        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dup"), ns);
        var exists = await ApiAssert.FailsWith(HttpStatusCode.Conflict, () => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dup"), ns));
        Assert.Equal("AlreadyExists", exists.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_404()
    {
        var e = await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "no-such-ns"));
        Assert.Equal("namespaces \"no-such-ns\" not found", e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GenerateName_appends_a_random_suffix()
    {
        var ns = await fx.NewNamespaceAsync();
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } };
        var a = await Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        var b = await Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        Assert.StartsWith("gen-", a.Metadata.Name);
        Assert.Equal("gen-".Length + 5, a.Metadata.Name.Length);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_409_Conflict()
    {
        var ns = await fx.NewNamespaceAsync();
        var v1 = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), ns);
        v1.Data["k"] = "v2";
        var v2 = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "c", ns);
        Assert.NotEqual(v1.Metadata.ResourceVersion, v2.Metadata.ResourceVersion);

        v1.Data["k"] = "v3";
        var e = await ApiAssert.FailsWith(HttpStatusCode.Conflict, () => Client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "c", ns));
        Assert.Equal("Conflict", e.GetProperty("reason").GetString());
        Assert.Contains("the object has been modified", e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Concurrent_read_modify_write_loses_no_update_when_writers_retry_on_conflict()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "counter" },
            Data = new Dictionary<string, string> { ["n"] = "0" },
        }, ns);
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var cm = await Client.CoreV1.ReadNamespacedConfigMapAsync("counter", ns);
                cm.Data["n"] = (int.Parse(cm.Data["n"]) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "counter", ns);
                    return;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));
        Assert.Equal("8", (await Client.CoreV1.ReadNamespacedConfigMapAsync("counter", ns)).Data["n"]);
    }

    [Fact]
    public async Task A_no_op_update_keeps_the_resourceVersion()
    {
        var ns = await fx.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("same"), ns);
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "same", ns);
        Assert.Equal(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Generation_is_bumped_by_spec_changes_only_and_status_is_ignored_on_the_main_resource()
    {
        var ns = await fx.NewNamespaceAsync();
        var sts = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "s" },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "s" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "s" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "img:1" }] },
                },
            },
            Status = new V1StatefulSetStatus { Replicas = 5 },
        };
        var created = await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, ns);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.True(created.Status is null || created.Status.Replicas == 0);

        created.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        var labelled = await Client.AppsV1.ReplaceNamespacedStatefulSetAsync(created, "s", ns);
        Assert.Equal(1, labelled.Metadata.Generation);

        labelled.Spec.Replicas = 3;
        var scaled = await Client.AppsV1.ReplaceNamespacedStatefulSetAsync(labelled, "s", ns);
        Assert.Equal(2, scaled.Metadata.Generation);

        // like envtest no controller runs: status is whatever the test writes through /status
        scaled.Status = new V1StatefulSetStatus { Replicas = 3, ReadyReplicas = 3, ObservedGeneration = 2 };
        var withStatus = await Client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(scaled, "s", ns);
        Assert.Equal(3, withStatus.Status.ReadyReplicas);
        Assert.Equal(2, withStatus.Metadata.Generation);
    }

    [Fact]
    public async Task List_filters_by_label_selector_operators_and_field_selectors()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new() { ["app"] = "x", ["tier"] = "web" }), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", new() { ["app"] = "y", ["tier"] = "db" }), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", new() { ["app"] = "z" }), ns);

        async Task<string> Names(string? labels = null, string? fields = null) =>
            string.Join(",", (await Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labels, fieldSelector: fields)).Items.Select(i => i.Metadata.Name));

        Assert.Equal("a", await Names("app=x"));
        Assert.Equal("a", await Names("app==x"));
        Assert.Equal("b,c", await Names("app!=x"));
        Assert.Equal("a,b", await Names("app in (x,y)"));
        Assert.Equal("c", await Names("app notin (x,y)"));
        Assert.Equal("a,b", await Names("tier"));
        Assert.Equal("c", await Names("!tier"));
        Assert.Equal("b", await Names("tier,app in (y, z)"));
        Assert.Equal("b", await Names(fields: "metadata.name=b"));
        Assert.Equal("a,c", await Names(fields: "metadata.name!=b"));
        Assert.Equal("a,b,c", await Names(fields: $"metadata.namespace={ns}"));
    }

    [Fact]
    public async Task List_pages_with_limit_and_continue()
    {
        var ns = await fx.NewNamespaceAsync();
        foreach (var n in new[] { "p1", "p2", "p3", "p4", "p5" })
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(n), ns);
        }
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: token);
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));
        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], names);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Finalizers_keep_a_deleted_object_until_they_are_removed()
    {
        var ns = await fx.NewNamespaceAsync();
        var cm = ConfigMap("fin");
        cm.Metadata.Finalizers = ["example.com/cleanup", "example.com/other"];
        await Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("fin", ns);
        var marked = await Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns);
        Assert.NotNull(marked.Metadata.DeletionTimestamp);

        // removing a finalizer from the middle of the list, as an operator does
        marked.Metadata.Finalizers = ["example.com/other"];
        marked = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "fin", ns);
        Assert.NotNull(marked.Metadata.DeletionTimestamp);

        marked.Metadata.Finalizers = [];
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "fin", ns);
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns));
    }

    [Fact]
    public async Task Deleting_an_owner_garbage_collects_dependents_unless_orphaned()
    {
        var ns = await fx.NewNamespaceAsync();
        var owner = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), ns);
        V1OwnerReference Ref(V1ConfigMap o) => new() { ApiVersion = "v1", Kind = "ConfigMap", Name = o.Metadata.Name, Uid = o.Metadata.Uid, Controller = true };
        var child = new V1Secret { Metadata = new V1ObjectMeta { Name = "child", OwnerReferences = [Ref(owner)] } };
        await Client.CoreV1.CreateNamespacedSecretAsync(child, ns);
        var other = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("other-owner"), ns);
        var shared = new V1Secret { Metadata = new V1ObjectMeta { Name = "shared", OwnerReferences = [Ref(owner), Ref(other)] } };
        await Client.CoreV1.CreateNamespacedSecretAsync(shared, ns);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, new V1DeleteOptions { PropagationPolicy = "Background" });

        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedSecretAsync("child", ns));
        var survivor = await Client.CoreV1.ReadNamespacedSecretAsync("shared", ns);
        Assert.Equal(other.Metadata.Uid, Assert.Single(survivor.Metadata.OwnerReferences).Uid);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("other-owner", ns, new V1DeleteOptions { PropagationPolicy = "Orphan" });
        var orphan = await Client.CoreV1.ReadNamespacedSecretAsync("shared", ns);
        Assert.True(orphan.Metadata.OwnerReferences is null || orphan.Metadata.OwnerReferences.Count == 0);
    }

    [Fact]
    public async Task Foreground_deletion_removes_dependents_and_then_the_owner()
    {
        var ns = await fx.NewNamespaceAsync();
        var owner = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("fg-owner"), ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "fg-child",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "fg-owner", Uid = owner.Metadata.Uid }],
            },
        }, ns);
        var before = long.Parse((await Client.CoreV1.ListNamespacedSecretAsync(ns)).Metadata.ResourceVersion);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("fg-owner", ns, new V1DeleteOptions { PropagationPolicy = "Foreground" });
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedSecretAsync("fg-child", ns));
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedConfigMapAsync("fg-owner", ns));
        Assert.True(long.Parse((await Client.CoreV1.ListNamespacedSecretAsync(ns)).Metadata.ResourceVersion) > before);
    }

    [Fact]
    public async Task Delete_with_a_stale_uid_precondition_is_409()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("pre"), ns);
        await ApiAssert.FailsWith(HttpStatusCode.Conflict, () => Client.CoreV1.DeleteNamespacedConfigMapAsync("pre", ns,
            new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = Guid.NewGuid().ToString() } }));
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_contents()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("inside"), ns);
        await Client.CoreV1.DeleteNamespaceAsync(ns);
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedConfigMapAsync("inside", ns));
        Assert.DoesNotContain((await Client.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == ns);
    }

    [Fact]
    public async Task Server_dry_run_validates_without_persisting()
    {
        var ns = await fx.NewNamespaceAsync();
        var result = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry"), ns, dryRun: "All");
        Assert.Equal("dry", result.Metadata.Name);
        await ApiAssert.FailsWith(HttpStatusCode.NotFound, () => Client.CoreV1.ReadNamespacedConfigMapAsync("dry", ns));
    }

    [Fact]
    public async Task Invalid_names_and_labels_are_422_like_a_real_cluster()
    {
        var ns = await fx.NewNamespaceAsync();
        var e = await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity,
            () => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Bad_Name", new() { ["ok"] = "not ok!" }), ns));
        var fields = e.GetProperty("details").GetProperty("causes").EnumerateArray().Select(c => c.GetProperty("field").GetString());
        Assert.Equal(["metadata.name", "metadata.labels"], fields);
        await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "1-starts-with-digit" }, Spec = new V1ServiceSpec() }, ns));
        await ApiAssert.FailsWith(HttpStatusCode.UnprocessableEntity, () => Client.CoreV1.CreateNamespaceAsync(
            new V1Namespace { Metadata = new V1ObjectMeta { Name = "has.dots" } }));
    }

    [Fact]
    public async Task Secret_stringData_is_folded_into_base64_data_and_defaults_are_applied()
    {
        var ns = await fx.NewNamespaceAsync();
        var secret = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "creds" },
            StringData = new Dictionary<string, string> { ["user"] = "admin" },
        }, ns);
        Assert.Equal("admin", System.Text.Encoding.UTF8.GetString(secret.Data["user"]));
        Assert.Null(secret.StringData);
        Assert.Equal("Opaque", secret.Type);

        var service = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "api" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 443 }] },
        }, ns);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.StartsWith("10.96.", service.Spec.ClusterIP);
        Assert.Equal("TCP", service.Spec.Ports[0].Protocol);
        Assert.Equal("443", service.Spec.Ports[0].TargetPort.Value);
    }

    [Fact]
    public async Task Built_in_kinds_round_trip_through_their_typed_clients()
    {
        var ns = await fx.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "svc" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 9000, Name = "s3" }] },
        }, ns);
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "sa" } }, ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "pvc" },
            Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"] },
        }, ns);
        await Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "ev" },
            InvolvedObject = new V1ObjectReference { Name = "svc", Kind = "Service", NamespaceProperty = ns },
            Reason = "Tested",
        }, ns);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "pdb" },
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1 },
        }, ns);
        await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "leader" },
            Spec = new V1LeaseSpec { HolderIdentity = "me", LeaseDurationSeconds = 15 },
        }, ns);
        await Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "dep" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["a"] = "b" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["a"] = "b" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] },
                },
            },
        }, ns);
        await Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new V1ObjectMeta { Name = "role" } }, ns);

        Assert.Equal(9000, Assert.Single((await Client.CoreV1.ReadNamespacedServiceAsync("svc", ns)).Spec.Ports).Port);
        Assert.Equal("me", (await Client.CoordinationV1.ReadNamespacedLeaseAsync("leader", ns)).Spec.HolderIdentity);
        Assert.Equal("Tested", Assert.Single((await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=svc")).Items).Reason);
        Assert.Single((await Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        Assert.Single((await Client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(ns)).Items);
        Assert.Single((await Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns)).Items);
        Assert.Contains((await Client.CoreV1.ListServiceAccountForAllNamespacesAsync()).Items, s => s.Metadata.NamespaceProperty == ns);
    }
}
