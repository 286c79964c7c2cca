using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Tests.Support;
using Xunit;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>The pure Deployment builder of gateway mode, against the backend's variable names (Storage.S3Gateway README).</summary>
public sealed class GatewayResourcesTests
{
    private static readonly TlsOutcome Tls = new(true, true, TlsOutcome.ReasonReady, "", [new ServedCertificate("store-tls", "tls.crt", "tls.key", null)], "", [], [], null);

    internal static ObjectStore GatewayStore(Action<S3GatewayStorage>? configure = null)
    {
        var store = Samples.ValidObjectStore();
        store.Metadata.Uid = "uid-1";
        store.Spec.Storage = new StorageSpec
        {
            S3Gateway = new S3GatewayStorage
            {
                Endpoint = "https://rgw.example.com:7480",
                Bucket = "shared",
                CredentialsSecretRef = new GatewayCredentialsReference { Name = "backend" },
            },
        };
        configure?.Invoke(store.Spec.Storage.S3Gateway);
        return store;
    }

    private static Dictionary<string, string> Env(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);

    [Fact]
    public void Prefix_mode_deployment_has_backend_env_credential_files_and_no_data_volume()
    {
        var store = GatewayStore(g => g.Prefix = "stores/prod/");
        var deployment = ObjectStoreResources.Deployment(store, "img", Tls, "store-credentials", new KeyServerConnection("https://keys:7373", "k", "store-kes-client"), "hash");

        var env = Env(deployment);
        Assert.Equal("https://rgw.example.com:7480", env["STORAGE_GATEWAY_ENDPOINT"]);
        Assert.Equal("shared/stores/prod/", env["STORAGE_GATEWAY_BUCKET"]);
        Assert.False(env.ContainsKey("STORAGE_GATEWAY_BUCKET_PREFIX"));
        Assert.Equal("/etc/storage/gateway/accessKey", env["STORAGE_GATEWAY_ACCESS_KEY_FILE"]);
        Assert.Equal("/etc/storage/gateway/secretKey", env["STORAGE_GATEWAY_SECRET_KEY_FILE"]);
        Assert.False(env.ContainsKey("STORAGE_GATEWAY_CA_FILE"));
        Assert.False(env.ContainsKey("STORAGE_GATEWAY_TIMEOUT"));
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("STORAGE_GATEWAY_S3_", StringComparison.Ordinal));
        // Same KMS and root-credential wiring as volume mode.
        Assert.Equal("https://keys:7373", env["STORAGE_KMS_KES_ENDPOINT"]);
        Assert.Equal("/etc/storage/credentials/accessKey", env["STORAGE_ROOT_USER_FILE"]);

        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers[0];
        Assert.Equal(["server", "--address", ":9000", "--certs-dir", "/etc/storage/certs"], container.Args);
        Assert.DoesNotContain(container.VolumeMounts, m => m.MountPath == "/data");
        Assert.DoesNotContain(pod.Volumes, v => v.Name == Names.DataVolume);
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == "tmp").EmptyDir);
        Assert.Contains(container.VolumeMounts, m => m.Name == "tmp" && m.MountPath == "/tmp");
        Assert.Contains(container.VolumeMounts, m => m.Name == "gateway" && m.MountPath == "/etc/storage/gateway" && m.ReadOnlyProperty == true);
        Assert.Contains(pod.Volumes, v => v.Name == "certs" && v.Projected is not null);
        Assert.Contains(pod.Volumes, v => v.Name == "kes-client");

        var projection = Assert.Single(Assert.Single(pod.Volumes, v => v.Name == "gateway").Projected.Sources);
        Assert.Equal("backend", projection.Secret.Name);
        Assert.Equal([("accessKey", "accessKey"), ("secretKey", "secretKey")], projection.Secret.Items.Select(i => (i.Key, i.Path)));
        Assert.Equal("hash", deployment.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation]);
    }

    [Fact]
    public void Deployment_shape_is_HA_and_rolls_one_surge_pod_at_a_time()
    {
        var deployment = ObjectStoreResources.Deployment(GatewayStore(), "img", Tls, "creds", null, "hash");

        Assert.Equal("Deployment", deployment.Kind);
        Assert.Equal(ObjectStoreResources.DefaultGatewayReplicas, deployment.Spec.Replicas);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("1", deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        var spread = Assert.Single(deployment.Spec.Template.Spec.TopologySpreadConstraints);
        Assert.Equal(("kubernetes.io/hostname", 1, "ScheduleAnyway"), (spread.TopologyKey, spread.MaxSkew, spread.WhenUnsatisfiable));
        Assert.Equal(deployment.Spec.Selector.MatchLabels, spread.LabelSelector.MatchLabels);
        Assert.Equal("uid-1", Assert.Single(deployment.Metadata.OwnerReferences).Uid);

        var store = GatewayStore();
        store.Spec.Replicas = 5;
        Assert.Equal(5, ObjectStoreResources.Deployment(store, "img", Tls, "creds", null, "hash").Spec.Replicas);
    }

    [Fact]
    public void Externally_managed_replicas_are_left_out_of_the_applied_object()
    {
        var store = GatewayStore(g => g.ReplicasManagedExternally = true);
        store.Spec.Replicas = 3;
        var deployment = ObjectStoreResources.Deployment(store, "img", Tls, "creds", null, "hash");
        Assert.Null(deployment.Spec.Replicas);
        Assert.DoesNotContain("\"replicas\"", k8s.KubernetesJson.Serialize(deployment), StringComparison.Ordinal);
    }

    [Fact]
    public void Bucket_per_bucket_mode_custom_keys_region_path_style_and_a_ConfigMap_CA()
    {
        var store = GatewayStore(g =>
        {
            g.Bucket = null;
            g.BucketPrefix = "tenant-a-";
            g.Region = "eu-central-1";
            g.PathStyle = false;
            g.Timeout = "90s";
            g.ConnectTimeout = "500ms";
            g.MaxRetries = 0;
            g.CredentialsSecretRef = new GatewayCredentialsReference { Name = "aws", AccessKeyKey = "AWS_ACCESS_KEY_ID", SecretKeyKey = "AWS_SECRET_ACCESS_KEY" };
            g.CaBundleRef = new CaBundleReference { Kind = ReferenceKind.ConfigMap, Name = "trust", Key = "bundle.pem" };
        });
        var deployment = ObjectStoreResources.Deployment(store, "img", Tls, "creds", null, "hash");

        var env = Env(deployment);
        Assert.Equal("tenant-a-", env["STORAGE_GATEWAY_BUCKET_PREFIX"]);
        Assert.False(env.ContainsKey("STORAGE_GATEWAY_BUCKET"));
        Assert.Equal("eu-central-1", env["STORAGE_GATEWAY_REGION"]);
        Assert.Equal("off", env["STORAGE_GATEWAY_PATH_STYLE"]);
        Assert.Equal("/etc/storage/gateway/ca.crt", env["STORAGE_GATEWAY_CA_FILE"]);
        Assert.Equal(("90s", "500ms", "0"), (env["STORAGE_GATEWAY_TIMEOUT"], env["STORAGE_GATEWAY_CONNECT_TIMEOUT"], env["STORAGE_GATEWAY_MAX_RETRIES"]));

        var sources = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == "gateway").Projected.Sources;
        Assert.Equal([("AWS_ACCESS_KEY_ID", "accessKey"), ("AWS_SECRET_ACCESS_KEY", "secretKey")], sources[0].Secret.Items.Select(i => (i.Key, i.Path)));
        Assert.Equal("trust", sources[1].ConfigMap.Name);
        Assert.Equal(("bundle.pem", "ca.crt"), (sources[1].ConfigMap.Items[0].Key, sources[1].ConfigMap.Items[0].Path));
    }

    [Fact]
    public void Volume_mode_statefulset_keeps_its_data_volume_and_args()
    {
        var set = ObjectStoreResources.StatefulSet(Samples.ValidObjectStore(), "img", Tls, "creds", null, "hash");
        var container = set.Spec.Template.Spec.Containers[0];
        Assert.Equal(["server", "/data", "--address", ":9000", "--certs-dir", "/etc/storage/certs"], container.Args);
        Assert.Contains(container.VolumeMounts, m => m.Name == Names.DataVolume && m.MountPath == "/data");
        Assert.DoesNotContain(container.Env, e => e.Name.StartsWith("STORAGE_GATEWAY_", StringComparison.Ordinal));
        Assert.Equal(1, set.Spec.Replicas);
        Assert.Single(set.Spec.VolumeClaimTemplates);
    }
}
