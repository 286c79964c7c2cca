using k8s.Models;
using StorageOperator.E2E.Tests.Infrastructure;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary>
/// The chart grants what operator/ calls and nothing more, and namespace scope grants nothing cluster-wide.
/// The expected table is the least-privilege review: each line names the code path that needs it.
/// </summary>
public sealed class RbacTests
{
    /// <summary>(apiGroup/resource, verb) the operator needs in every namespace it watches.</summary>
    private static readonly string[] WatchedNamespacePermissions =
    [
        // Informers (list+watch), GetAsync, finalizers as JSON patches (Runtime/Finalizers).
        .. Verbs("storage.storageoperator.io/objectstores", "get", "list", "watch", "patch"),
        .. Verbs("storage.storageoperator.io/keyservers", "get", "list", "watch", "patch"),
        // StatusWriter merge-patches the /status subresource only.
        .. Verbs("storage.storageoperator.io/objectstores/status", "patch"),
        .. Verbs("storage.storageoperator.io/keyservers/status", "patch"),
        // Children carry ownerReferences with blockOwnerDeletion (OwnerReferencesPermissionEnforcement).
        .. Verbs("storage.storageoperator.io/objectstores/finalizers", "update"),
        .. Verbs("storage.storageoperator.io/keyservers/finalizers", "update"),
        // Owned children (ControllerRegistration.Owns, ChildWriter): informers, reads, server-side apply
        // (patch; create when new). No delete: children go by garbage collection.
        .. Verbs("/secrets", "get", "list", "watch", "create", "patch"),
        // NamespaceCaStore replaces the shared CA Secret under a resourceVersion guard.
        .. Verbs("/secrets", "update"),
        .. Verbs("/configmaps", "get", "list", "watch", "create", "patch"),
        .. Verbs("/services", "get", "list", "watch", "create", "patch"),
        .. Verbs("/serviceaccounts", "get", "list", "watch", "create", "patch"),
        .. Verbs("apps/statefulsets", "get", "list", "watch", "create", "patch"),
        // Gateway mode (spec.storage.s3Gateway) runs a Deployment; each mode reads the other kind to refuse a switch.
        .. Verbs("apps/deployments", "get", "list", "watch", "create", "patch"),
        .. Verbs("policy/poddisruptionbudgets", "get", "list", "watch", "create", "patch"),
        // deletionPolicy: Delete lists and removes the store's claims.
        .. Verbs("/persistentvolumeclaims", "list", "delete"),
        // EventRecorder creates core/v1 Events.
        .. Verbs("/events", "create"),
        // tls.mode CertManager: TlsProvisioner server-side applies a Certificate (and reads its Secret).
        .. Verbs("cert-manager.io/certificates", "create", "patch"),
    ];

    /// <summary>k8s LeaseLock reads, creates and renews the Lease; nothing else.</summary>
    private static readonly string[] LeaderElectionPermissions = [.. Verbs("coordination.k8s.io/leases", "get", "create", "update")];

    private readonly Helm _helm = Helm.Locate();

    private static IEnumerable<string> Verbs(string resource, params string[] verbs) => verbs.Select(v => $"{resource}:{v}");

    private static string[] Permissions(IEnumerable<V1PolicyRule> rules) =>
    [
        .. rules.SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{g}/{res}:{v}"))))
            .Order(StringComparer.Ordinal),
    ];

    private static string[] Sorted(IEnumerable<string> permissions) => [.. permissions.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Cluster_scope_grants_exactly_the_operator_calls_through_one_cluster_role()
    {
        var chart = await _helm.RenderAsync();

        var role = chart.Single<V1ClusterRole>("ClusterRole");
        Assert.Equal(Sorted(WatchedNamespacePermissions), Permissions(role.Rules));
        var binding = chart.Single<V1ClusterRoleBinding>("ClusterRoleBinding");
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", ServiceAccountName(chart), Helm.ReleaseNamespace), (subject.Kind, subject.Name, subject.NamespaceProperty));

        var leaderElection = Assert.Single(chart.OfKind<V1Role>("Role"));
        Assert.Equal(Helm.ReleaseNamespace, leaderElection.Metadata.NamespaceProperty);
        Assert.Equal(Sorted(LeaderElectionPermissions), Permissions(leaderElection.Rules));
    }

    [Theory]
    [InlineData(null, Helm.ReleaseNamespace)]
    [InlineData("backups", "backups")]
    public async Task Namespace_scope_renders_roles_only_and_no_cluster_wide_secret_access(string? watch, string watched)
    {
        var chart = await _helm.RenderAsync(watch is null ? ["rbac.scope=namespace"] : ["rbac.scope=namespace", $"watchNamespaces={{{watch}}}"]);

        Assert.Empty(chart.OfKind("ClusterRole"));
        Assert.Empty(chart.OfKind("ClusterRoleBinding"));
        var roles = chart.OfKind<V1Role>("Role").ToList();
        var operatorRole = Assert.Single(roles, r => !r.Metadata.Name.EndsWith("-leader-election", StringComparison.Ordinal));
        Assert.Equal(watched, operatorRole.Metadata.NamespaceProperty);
        Assert.Equal(Sorted(WatchedNamespacePermissions), Permissions(operatorRole.Rules));

        var leaderElection = Assert.Single(roles, r => r.Metadata.Name.EndsWith("-leader-election", StringComparison.Ordinal));
        Assert.Equal(Helm.ReleaseNamespace, leaderElection.Metadata.NamespaceProperty);
        Assert.Equal(Sorted(LeaderElectionPermissions), Permissions(leaderElection.Rules));

        // Secrets only through Roles, and only in the watched namespace.
        var secretRoles = roles.Where(r => Permissions(r.Rules).Any(p => p.StartsWith("/secrets:", StringComparison.Ordinal))).ToList();
        Assert.All(secretRoles, r => Assert.Equal(watched, r.Metadata.NamespaceProperty));

        foreach (var binding in chart.OfKind<V1RoleBinding>("RoleBinding"))
        {
            Assert.Equal("Role", binding.RoleRef.Kind);
            Assert.Contains(roles, r => r.Metadata.Name == binding.RoleRef.Name && r.Metadata.NamespaceProperty == binding.Metadata.NamespaceProperty);
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal((ServiceAccountName(chart), Helm.ReleaseNamespace), (subject.Name, subject.NamespaceProperty));
        }
        Assert.Equal(2, chart.OfKind("RoleBinding").Count());
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("namespace")]
    public async Task No_wildcards_and_no_privilege_escalation_verbs(string scope)
    {
        var chart = await _helm.RenderAsync($"rbac.scope={scope}");
        var rules = chart.OfKind<V1ClusterRole>("ClusterRole").SelectMany(r => r.Rules)
            .Concat(chart.OfKind<V1Role>("Role").SelectMany(r => r.Rules)).ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            Assert.DoesNotContain("*", rule.ApiGroups);
            Assert.DoesNotContain("*", rule.Resources);
            Assert.DoesNotContain("*", rule.Verbs);
            Assert.Empty(rule.Verbs.Intersect(["escalate", "bind", "impersonate", "deletecollection"]));
            Assert.Empty(rule.Resources.Intersect(["pods/exec", "nodes", "roles", "rolebindings", "clusterroles", "clusterrolebindings", "customresourcedefinitions"]));
            Assert.Null(rule.NonResourceURLs);
        });
    }

    [Fact]
    public async Task Rbac_create_false_renders_no_rbac_objects()
    {
        var chart = await _helm.RenderAsync("rbac.create=false");

        Assert.DoesNotContain(chart.Documents, d => ((string?)d["apiVersion"] ?? "").StartsWith("rbac.authorization.k8s.io/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chart_grants_every_call_the_operator_source_makes()
    {
        var sources = Directory.EnumerateFiles(Repository.Path("operator"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var needed = OperatorApiCalls.FromSources(sources);
        var chart = await _helm.RenderAsync();
        var watched = Permissions(chart.Single<V1ClusterRole>("ClusterRole").Rules);
        var leaderElection = Permissions(Assert.Single(chart.OfKind<V1Role>("Role")).Rules);

        var leases = needed.Where(p => p.StartsWith("coordination.k8s.io/leases:", StringComparison.Ordinal)).ToList();
        Assert.Empty(leases.Except(leaderElection));
        var missing = needed.Except(leases).Except(watched).ToList();
        Assert.True(missing.Count == 0, $"operator/ makes calls the chart does not grant (add them to templates/_helpers.tpl and to this test's table): {string.Join(", ", missing)}");
        Assert.Contains("/secrets:create", needed);
        Assert.Contains("storage.storageoperator.io/objectstores/status:patch", needed);
    }

    [Fact]
    public void Source_scan_reads_typed_calls_informers_apply_and_runtime_writers()
    {
        string[] sources =
        [
            """
            host.AddController(ObjectStore.KindName, objectStores)
                .Owns<V1Secret>()
                .Watches<V1ConfigMap>(ObjectStoreController.ReferencedConfigMaps)
                .Watches<KeyServer>(ObjectStoreController.ReferencedKeyServers);
            """,
            "await client.CoreV1.ReplaceNamespacedSecretAsync(body, name, ns); await client.AppsV1.ReadNamespacedStatefulSetStatusAsync(n, ns);",
            "V1PodDisruptionBudget o => Apply.ApplyAsync(o, ct),",
            "return await new ResourceClient<T>(client)\n    .PatchStatusAsync(ns, name, patch, ct);",
            "await client.CoordinationV1.ReadNamespacedLeaseAsync(name, ns);",
        ];

        var needed = OperatorApiCalls.FromSources(sources);

        string[] expected = Sorted(
            [
                "storage.storageoperator.io/objectstores:list", "storage.storageoperator.io/objectstores:watch",
                "/secrets:list", "/secrets:watch", "/secrets:create", "/secrets:patch", "/secrets:update",
                "/configmaps:list", "/configmaps:watch",
                "storage.storageoperator.io/keyservers:list", "storage.storageoperator.io/keyservers:watch",
                "apps/statefulsets/status:get",
                "policy/poddisruptionbudgets:create", "policy/poddisruptionbudgets:patch",
                "storage.storageoperator.io/objectstores/status:patch", "storage.storageoperator.io/keyservers/status:patch",
                "coordination.k8s.io/leases:get",
            ]);
        Assert.Equal(expected, needed.ToArray());
    }

    private static string ServiceAccountName(RenderedChart chart) => chart.Single<V1ServiceAccount>("ServiceAccount").Metadata.Name;
}
