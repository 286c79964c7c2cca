using System.Text;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Runtime.Apply;

namespace StorageOperator.Operator.Resources;

/// <summary>
/// Pure builders of an ObjectStore's children. The environment variable names are the storage
/// server's interface (see the operator README).
/// </summary>
public static class ObjectStoreResources
{
    public const int Port = 9000;
    public const string PortName = "s3";
    public const string CertsDirectory = "/etc/storage/certs";
    public const string CredentialsDirectory = "/etc/storage/credentials";
    public const string KesDirectory = "/etc/storage/kes";
    public const string Region = "us-east-1";

    /// <summary>Where backup jobs are expected to mount the client Secret (AWS_CA_BUNDLE points there).</summary>
    public const string ClientMountPath = "/etc/storage-client";

    public static Dictionary<string, string> LabelsOf(ObjectStore store) => Labels.For(Labels.ObjectStoreApp, store.Metadata.Name, "object-store");

    public static Dictionary<string, string> SelectorOf(ObjectStore store) => Labels.Selector(Labels.ObjectStoreApp, store.Metadata.Name);

    public static string Endpoint(ObjectStore store, bool tls) =>
        $"{(tls ? "https" : "http")}://{store.Metadata.Name}.{store.Metadata.NamespaceProperty}.svc:{Port}";

    /// <summary>Volume mode: one pod per PersistentVolumeClaim, the embedded filesystem backend on /data.</summary>
    public static V1StatefulSet StatefulSet(ObjectStore store, string image, TlsOutcome tls, string credentialsSecret, KeyServerConnection? kms, string configHash)
    {
        var spec = store.Spec;
        var labels = LabelsOf(store);
        var statefulSet = new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = store.Metadata.Name, NamespaceProperty = store.Metadata.NamespaceProperty, Labels = labels },
            Spec = new V1StatefulSetSpec
            {
                Replicas = spec.Replicas ?? 1,
                ServiceName = Names.HeadlessService(store.Metadata.Name),
                PodManagementPolicy = "Parallel",
                Selector = new V1LabelSelector { MatchLabels = SelectorOf(store) },
                Template = PodTemplate(store, image, tls, credentialsSecret, kms, configHash),
                VolumeClaimTemplates = spec.Storage.Volume is { } volume
                    ? [Workloads.ClaimTemplate(volume.Size, volume.StorageClassName, volume.AccessModes, labels)]
                    : null,
            },
        };
        ServerSideApply.SetController(statefulSet, store);
        return statefulSet;
    }

    /// <summary>Default replica count of a gateway store: two, so one pod can go (PDB, rollout) while another serves.</summary>
    public const int DefaultGatewayReplicas = 2;

    public const string GatewayDirectory = "/etc/storage/gateway";

    /// <summary>
    /// Gateway mode: stateless replicas over the backend, so a Deployment (no claims, no ordinal
    /// identity). Rollouts surge one pod before taking one away; pods spread across nodes. With
    /// <see cref="S3GatewayStorage.ReplicasManagedExternally"/> spec.replicas is left out of the
    /// applied object: the field then belongs to whoever scales it (an HPA), not to us.
    /// </summary>
    public static V1Deployment Deployment(ObjectStore store, string image, TlsOutcome tls, string credentialsSecret, KeyServerConnection? kms, string configHash)
    {
        var gateway = store.Spec.Storage.S3Gateway ?? throw new ArgumentException("not a gateway store", nameof(store));
        var template = PodTemplate(store, image, tls, credentialsSecret, kms, configHash);
        template.Spec.TopologySpreadConstraints =
        [
            new V1TopologySpreadConstraint
            {
                MaxSkew = 1,
                TopologyKey = "kubernetes.io/hostname",
                // A preference: a single-node cluster must still run every replica.
                WhenUnsatisfiable = "ScheduleAnyway",
                LabelSelector = new V1LabelSelector { MatchLabels = SelectorOf(store) },
            },
        ];
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = store.Metadata.Name, NamespaceProperty = store.Metadata.NamespaceProperty, Labels = LabelsOf(store) },
            Spec = new V1DeploymentSpec
            {
                Replicas = gateway.ReplicasManagedExternally == true ? null : store.Spec.Replicas ?? DefaultGatewayReplicas,
                Selector = new V1LabelSelector { MatchLabels = SelectorOf(store) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                },
                Template = template,
            },
        };
        ServerSideApply.SetController(deployment, store);
        return deployment;
    }

    /// <summary>The backend's settings as the storage server reads them (server/StorageOperator.Storage.S3Gateway/README.md).</summary>
    public static List<V1EnvVar> GatewayEnvironment(S3GatewayStorage gateway)
    {
        var env = new List<V1EnvVar>
        {
            K8s.Env("STORAGE_GATEWAY_ENDPOINT", gateway.Endpoint.TrimEnd('/')),
            K8s.Env("STORAGE_GATEWAY_ACCESS_KEY_FILE", $"{GatewayDirectory}/accessKey"),
            K8s.Env("STORAGE_GATEWAY_SECRET_KEY_FILE", $"{GatewayDirectory}/secretKey"),
        };
        if (!string.IsNullOrEmpty(gateway.Bucket))
        {
            var prefix = gateway.Prefix?.Trim('/');
            env.Add(K8s.Env("STORAGE_GATEWAY_BUCKET", string.IsNullOrEmpty(prefix) ? gateway.Bucket : $"{gateway.Bucket}/{prefix}/"));
        }
        else if (!string.IsNullOrEmpty(gateway.BucketPrefix))
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_BUCKET_PREFIX", gateway.BucketPrefix));
        }
        if (!string.IsNullOrEmpty(gateway.Region))
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_REGION", gateway.Region));
        }
        if (gateway.PathStyle is { } pathStyle)
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_PATH_STYLE", pathStyle ? "on" : "off"));
        }
        if (gateway.CaBundleRef is not null)
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_CA_FILE", $"{GatewayDirectory}/ca.crt"));
        }
        if (!string.IsNullOrEmpty(gateway.Timeout))
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_TIMEOUT", gateway.Timeout));
        }
        if (!string.IsNullOrEmpty(gateway.ConnectTimeout))
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_CONNECT_TIMEOUT", gateway.ConnectTimeout));
        }
        if (gateway.MaxRetries is { } retries)
        {
            env.Add(K8s.Env("STORAGE_GATEWAY_MAX_RETRIES", retries.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return env;
    }

    /// <summary>Only the two credential keys and the CA key are projected, under fixed file names.</summary>
    public static V1Volume GatewayVolume(S3GatewayStorage gateway)
    {
        var credentials = gateway.CredentialsSecretRef;
        var sources = new List<V1VolumeProjection>
        {
            new()
            {
                Secret = new V1SecretProjection
                {
                    Name = credentials.Name,
                    Items = [K8s.Item(credentials.AccessKeyKey ?? "accessKey", "accessKey"), K8s.Item(credentials.SecretKeyKey ?? "secretKey", "secretKey")],
                },
            },
        };
        if (gateway.CaBundleRef is { } ca)
        {
            var item = new List<V1KeyToPath> { K8s.Item(ca.Key ?? "ca.crt", "ca.crt") };
            sources.Add(ca.Kind == ReferenceKind.ConfigMap
                ? new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = ca.Name, Items = item } }
                : new V1VolumeProjection { Secret = new V1SecretProjection { Name = ca.Name, Items = item } });
        }
        return new V1Volume { Name = "gateway", Projected = new V1ProjectedVolumeSource { Sources = sources, DefaultMode = 0x100 /* 0400 */ } };
    }

    private static V1PodTemplateSpec PodTemplate(ObjectStore store, string image, TlsOutcome tls, string credentialsSecret, KeyServerConnection? kms, string configHash)
    {
        var spec = store.Spec;
        var gateway = spec.Storage.S3Gateway;
        var env = new List<V1EnvVar>
        {
            K8s.Env("STORAGE_ROOT_USER_FILE", $"{CredentialsDirectory}/accessKey"),
            K8s.Env("STORAGE_ROOT_PASSWORD_FILE", $"{CredentialsDirectory}/secretKey"),
            K8s.Env("STORAGE_REGION", Region),
        };
        var mounts = new List<V1VolumeMount>
        {
            K8s.Mount("certs", CertsDirectory, true),
            K8s.Mount("credentials", CredentialsDirectory, true),
            // The gateway spills multipart parts beyond its buffer to $TMPDIR.
            K8s.Mount("tmp", "/tmp"),
        };
        var volumes = new List<V1Volume>
        {
            CertsVolume(store, tls),
            new V1Volume { Name = "credentials", Secret = new V1SecretVolumeSource { SecretName = credentialsSecret, DefaultMode = 0x100 /* 0400 */ } },
            new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        };
        if (gateway is null)
        {
            mounts.Insert(0, K8s.Mount(Names.DataVolume, "/data"));
        }

        if (kms is not null)
        {
            env.Add(K8s.Env("STORAGE_KMS_KES_ENDPOINT", kms.Endpoint));
            env.Add(K8s.Env("STORAGE_KMS_KES_KEY_NAME", kms.KeyName));
            env.Add(K8s.Env("STORAGE_KMS_KES_CERT_FILE", $"{KesDirectory}/tls.crt"));
            env.Add(K8s.Env("STORAGE_KMS_KES_KEY_FILE", $"{KesDirectory}/tls.key"));
            env.Add(K8s.Env("STORAGE_KMS_KES_CAPATH", $"{KesDirectory}/ca.crt"));
            var auto = spec.Encryption?.Auto;
            var mode = auto?.Mode ?? AutoEncryptionMode.Off;
            if (mode != AutoEncryptionMode.Off)
            {
                env.Add(K8s.Env("STORAGE_KMS_AUTO_ENCRYPTION", "on"));
                env.Add(K8s.Env("STORAGE_KMS_AUTO_ENCRYPTION_MODE", mode == AutoEncryptionMode.SseKms ? "SSE-KMS" : "SSE-S3"));
            }
            if (auto?.Enforce == true)
            {
                env.Add(K8s.Env("STORAGE_ENCRYPTION_ENFORCE", "on"));
            }
            mounts.Add(K8s.Mount("kes-client", KesDirectory, true));
            volumes.Add(new V1Volume { Name = "kes-client", Secret = new V1SecretVolumeSource { SecretName = kms.ClientSecret, DefaultMode = 0x100 } });
        }

        if (gateway is not null)
        {
            env.AddRange(GatewayEnvironment(gateway));
            mounts.Add(K8s.Mount("gateway", GatewayDirectory, true));
            volumes.Add(GatewayVolume(gateway));
        }

        var container = new V1Container
        {
            Name = "storage-server",
            Image = image,
            // Gateway: `server` without DATA_DIR plus STORAGE_GATEWAY_ENDPOINT selects the backend (S3Server README).
            Args = gateway is null
                ? ["server", "/data", "--address", $":{Port}", "--certs-dir", CertsDirectory]
                : ["server", "--address", $":{Port}", "--certs-dir", CertsDirectory],
            Ports = [new V1ContainerPort { Name = PortName, ContainerPort = Port, Protocol = "TCP" }],
            Env = env,
            VolumeMounts = mounts,
            Resources = spec.Resources,
            SecurityContext = PodSecurity.Container(),
            LivenessProbe = Workloads.HttpProbe("/minio/health/live", Port, tls.Enabled, 10),
            ReadinessProbe = Workloads.HttpProbe("/minio/health/ready", Port, tls.Enabled, 5),
        };

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = LabelsOf(store), Annotations = new Dictionary<string, string> { [Labels.ConfigHashAnnotation] = configHash } },
            Spec = new V1PodSpec
            {
                ServiceAccountName = store.Metadata.Name,
                AutomountServiceAccountToken = false,
                SecurityContext = PodSecurity.Pod(),
                Containers = [container],
                Volumes = volumes,
                NodeSelector = spec.NodeSelector,
                Tolerations = spec.Tolerations,
                Affinity = spec.Affinity,
            },
        };
    }

    /// <summary>
    /// The MinIO certs-folder layout: the first served certificate as public.crt/private.key, the
    /// others in SNI subfolders, the CA bundle under CAs/. One projected volume, so every piece
    /// updates in place (kubelet symlink swap) and the server's reload sees a consistent folder.
    /// </summary>
    private static V1Volume CertsVolume(ObjectStore store, TlsOutcome tls)
    {
        if (!tls.Enabled)
        {
            return new V1Volume { Name = "certs", EmptyDir = new V1EmptyDirVolumeSource() };
        }
        var sources = new List<V1VolumeProjection>();
        foreach (var served in tls.Served)
        {
            var prefix = served.SniDirectory is null ? "" : served.SniDirectory + "/";
            sources.Add(new V1VolumeProjection
            {
                Secret = new V1SecretProjection
                {
                    Name = served.SecretName,
                    Items = [K8s.Item(served.CertKey, $"{prefix}public.crt"), K8s.Item(served.KeyKey, $"{prefix}private.key")],
                },
            });
        }
        sources.Add(new V1VolumeProjection
        {
            ConfigMap = new V1ConfigMapProjection { Name = Names.CaBundleConfigMap(store.Metadata.Name), Items = [K8s.Item("ca.crt", "CAs/ca.crt")] },
        });
        return new V1Volume { Name = "certs", Projected = new V1ProjectedVolumeSource { Sources = sources, DefaultMode = 0x120 /* 0440 */ } };
    }

    public static V1ConfigMap CaBundle(ObjectStore store, string bundle) => CaBundleConfigMap(store, store.Metadata.Name, LabelsOf(store), bundle);

    public static V1ConfigMap CaBundleConfigMap<TOwner>(TOwner owner, string name, IDictionary<string, string> labels, string bundle)
        where TOwner : k8s.IKubernetesObject<V1ObjectMeta>
    {
        var map = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = Names.CaBundleConfigMap(name), NamespaceProperty = owner.Metadata.NamespaceProperty, Labels = new Dictionary<string, string>(labels) },
            Data = new Dictionary<string, string> { ["ca.crt"] = bundle },
        };
        ServerSideApply.SetController(map, owner);
        return map;
    }

    public static V1Secret GeneratedCredentials(ObjectStore store, string accessKey, string secretKey)
    {
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = Names.CredentialsSecret(store.Metadata.Name), NamespaceProperty = store.Metadata.NamespaceProperty, Labels = LabelsOf(store) },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["accessKey"] = Encoding.UTF8.GetBytes(accessKey), ["secretKey"] = Encoding.UTF8.GetBytes(secretKey) },
        };
        ServerSideApply.SetController(secret, store);
        return secret;
    }

    /// <summary>
    /// Everything a client (aws CLI, SDKs, restic, rclone) needs, as environment variables plus the CA
    /// bundle: mount it at <see cref="ClientMountPath"/> and use it with envFrom.
    /// </summary>
    public static V1Secret ClientSecret(ObjectStore store, bool tls, string accessKey, string secretKey, string bundle)
    {
        var endpoint = Endpoint(store, tls);
        var data = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
            ["AWS_ENDPOINT_URL"] = endpoint,
            ["AWS_DEFAULT_REGION"] = Region,
            ["RESTIC_REPOSITORY"] = $"s3:{endpoint}/restic",
        };
        if (tls)
        {
            data["ca.crt"] = bundle;
            data["AWS_CA_BUNDLE"] = $"{ClientMountPath}/ca.crt";
            data["RESTIC_CACERT"] = $"{ClientMountPath}/ca.crt";
        }
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = Names.ClientSecret(store.Metadata.Name), NamespaceProperty = store.Metadata.NamespaceProperty, Labels = LabelsOf(store) },
            Type = "Opaque",
            Data = data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value)),
        };
        ServerSideApply.SetController(secret, store);
        return secret;
    }

    public static IEnumerable<k8s.IKubernetesObject<V1ObjectMeta>> Supporting(ObjectStore store)
    {
        var name = store.Metadata.Name;
        var ns = store.Metadata.NamespaceProperty;
        var labels = LabelsOf(store);
        var selector = SelectorOf(store);
        var type = (store.Spec.Service?.Type ?? ServiceType.ClusterIP).ToString();
        k8s.IKubernetesObject<V1ObjectMeta>[] objects =
        [
            Workloads.ServiceAccount(name, ns, labels),
            Workloads.Headless(name, ns, labels, selector, PortName, Port),
            Workloads.Client(name, ns, labels, selector, PortName, Port, type, store.Spec.Service?.Annotations),
            Workloads.DisruptionBudget(name, ns, labels, selector),
        ];
        foreach (var o in objects)
        {
            ServerSideApply.SetController(o, store);
        }
        return objects;
    }
}
