using k8s.Models;
using StorageOperator.E2E.Tests.Infrastructure;
using StorageOperator.Operator.Cli;
using StorageOperator.Operator.Hosting;

namespace StorageOperator.E2E.Tests.Chart;

/// <summary>The operator Deployment: arguments the real CLI accepts, images, probes, pod security.</summary>
public sealed class DeploymentTests
{
    private readonly Helm _helm = Helm.Locate();

    private async Task<V1Deployment> DeploymentAsync(params string[] sets) => (await _helm.RenderAsync(sets)).Single<V1Deployment>("Deployment");

    private static V1Container Operator(V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);

    private static string AppVersion() =>
        File.ReadLines(Repository.Path("charts", "storage-operator", "Chart.yaml"))
            .Single(l => l.StartsWith("appVersion:", StringComparison.Ordinal))["appVersion:".Length..].Trim().Trim('"');

    [Fact]
    public async Task Cluster_scope_args_parse_with_the_operator_command_line()
    {
        var container = Operator(await DeploymentAsync());

        var command = CommandLine.Parse([.. container.Args]);

        Assert.Equal("run", command.Command);
        Assert.Null(command.Run.Namespace);
        Assert.True(command.Run.LeaderElect);
        Assert.Equal(Helm.ReleaseNamespace, command.Run.LeaderElectionNamespace);
        var metrics = OperatorApp.ParseEndpoint(command.Run.MetricsAddress);
        Assert.Equal("0.0.0.0", metrics.Address.ToString());
        var port = Assert.Single(container.Ports, p => p.Name == "metrics");
        Assert.Equal(port.ContainerPort, metrics.Port);
    }

    [Theory]
    [InlineData(null, Helm.ReleaseNamespace)]
    [InlineData("backups", "backups")]
    public async Task Namespace_scope_watches_one_namespace_and_keeps_the_lease_in_the_release_namespace(string? watch, string watched)
    {
        var deployment = await DeploymentAsync(watch is null ? ["rbac.scope=namespace"] : ["rbac.scope=namespace", $"watchNamespaces={{{watch}}}"]);

        var command = CommandLine.Parse([.. Operator(deployment).Args]);

        Assert.Equal(watched, command.Run.Namespace);
        Assert.Equal(Helm.ReleaseNamespace, command.Run.LeaderElectionNamespace);
    }

    [Fact]
    public async Task Leader_election_and_metrics_port_follow_values()
    {
        var container = Operator(await DeploymentAsync("leaderElection.enabled=false", "metrics.port=9090"));

        var command = CommandLine.Parse([.. container.Args]);

        Assert.False(command.Run.LeaderElect);
        Assert.Equal(9090, OperatorApp.ParseEndpoint(command.Run.MetricsAddress).Port);
        Assert.Equal(9090, Assert.Single(container.Ports).ContainerPort);
    }

    [Fact]
    public async Task Images_default_to_the_app_version_and_follow_image_tag()
    {
        var version = AppVersion();
        var byDefault = Operator(await DeploymentAsync());
        var tagged = Operator(await DeploymentAsync("image.tag=1.2.3"));

        Assert.Equal($"ghcr.io/storage-operator/storage-operator:{version}", byDefault.Image);
        Assert.Equal($"ghcr.io/storage-operator/storage-server:{version}", Env(byDefault, "STORAGE_OPERATOR_STORAGE_SERVER_IMAGE"));
        Assert.Equal($"ghcr.io/storage-operator/key-server:{version}", Env(byDefault, "STORAGE_OPERATOR_KEY_SERVER_IMAGE"));
        Assert.Equal("ghcr.io/storage-operator/storage-operator:1.2.3", tagged.Image);
        Assert.Equal("ghcr.io/storage-operator/storage-server:1.2.3", Env(tagged, "STORAGE_OPERATOR_STORAGE_SERVER_IMAGE"));
        Assert.Equal("ghcr.io/storage-operator/key-server:1.2.3", Env(tagged, "STORAGE_OPERATOR_KEY_SERVER_IMAGE"));
    }

    [Fact]
    public async Task Workload_image_variables_are_the_ones_the_operator_reads()
    {
        var container = Operator(await DeploymentAsync());

        Assert.Contains(container.Env, e => e.Name == StorageOperator.Operator.Controllers.ReconcileSettings.StorageServerImageVariable);
        Assert.Contains(container.Env, e => e.Name == StorageOperator.Operator.Controllers.ReconcileSettings.KeyServerImageVariable);
        Assert.Contains(container.Env, e => e.Name == "POD_NAMESPACE" && e.ValueFrom.FieldRef.FieldPath == "metadata.namespace");
    }

    [Fact]
    public async Task Pod_runs_non_root_read_only_without_capabilities_with_probes_on_the_metrics_port()
    {
        var deployment = await DeploymentAsync();
        var pod = deployment.Spec.Template.Spec;
        var container = Operator(deployment);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.Equal(("/healthz", "metrics"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "metrics"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
    }

    [Fact]
    public async Task Metrics_service_selects_the_pod_and_service_monitor_is_opt_in()
    {
        var byDefault = await _helm.RenderAsync();
        var monitored = await _helm.RenderAsync("metrics.serviceMonitor.enabled=true", "metrics.serviceMonitor.labels.release=prometheus");
        var disabled = await _helm.RenderAsync("metrics.enabled=false", "metrics.serviceMonitor.enabled=true");

        var service = byDefault.Single<V1Service>("Service");
        var deployment = byDefault.Single<V1Deployment>("Deployment");
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, deployment.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.Equal("metrics", Assert.Single(service.Spec.Ports).TargetPort.Value);
        Assert.Empty(byDefault.OfKind("ServiceMonitor"));

        var monitor = Assert.Single(monitored.OfKind("ServiceMonitor"));
        Assert.Equal("prometheus", (string?)monitor["metadata"]!["labels"]!["release"]);
        Assert.Equal("metrics", (string?)monitor["spec"]!["endpoints"]![0]!["port"]);
        Assert.Equal("/metrics", (string?)monitor["spec"]!["endpoints"]![0]!["path"]);

        Assert.Empty(disabled.OfKind("Service"));
        Assert.Empty(disabled.OfKind("ServiceMonitor"));
    }

    [Fact]
    public async Task Existing_service_account_is_used_when_create_is_false()
    {
        var chart = await _helm.RenderAsync("serviceAccount.create=false", "serviceAccount.name=existing");

        Assert.Empty(chart.OfKind("ServiceAccount"));
        Assert.Equal("existing", chart.Single<V1Deployment>("Deployment").Spec.Template.Spec.ServiceAccountName);
        Assert.Equal("existing", Assert.Single(chart.Single<V1ClusterRoleBinding>("ClusterRoleBinding").Subjects).Name);
    }

    private static string? Env(V1Container container, string name) => container.Env.Single(e => e.Name == name).Value;
}
