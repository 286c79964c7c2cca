using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Tests.Support;

public static class Samples
{
    public static ObjectStore ValidObjectStore(string name = "store") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", Generation = 1 },
        Spec = new ObjectStoreSpec
        {
            Storage = new StorageSpec { Volume = new VolumeStorage { Size = "10Gi" } },
        },
    };

    public static KeyServer ValidKeyServer(string name = "keys") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", Generation = 1 },
        Spec = new KeyServerSpec { Keystore = new KeystoreSpec { Memory = new MemoryKeystore() } },
    };

    /// <summary>Every field set, to check the schema covers what the types serialize.</summary>
    public static ObjectStore FullObjectStore() => new()
    {
        Metadata = new V1ObjectMeta { Name = "full", NamespaceProperty = "ns" },
        Spec = new ObjectStoreSpec
        {
            Replicas = 3,
            Image = "example/server:1",
            Tls = new TlsSpec
            {
                Mode = TlsMode.External,
                SelfSignedCA = new SelfSignedCaTls { Duration = "2160h", RenewBefore = "720h", ExtraDnsNames = ["s3.example.com"], ExtraIps = ["10.0.0.1"] },
                CertManager = new CertManagerTls
                {
                    IssuerRef = new IssuerReference { Name = "ca", Kind = IssuerKind.ClusterIssuer, Group = "cert-manager.io" },
                    Duration = "2160h",
                    RenewBefore = "360h",
                    PrivateKey = new PrivateKeySpec { Algorithm = PrivateKeyAlgorithm.Ecdsa, Size = 256, RotationPolicy = RotationPolicy.Never },
                },
                External = new ExternalTls
                {
                    SecretRefs = [new TlsSecretReference { Name = "tls", CertKey = "tls.crt", KeyKey = "tls.key" }],
                    CaRefs = [new CaBundleReference { Kind = ReferenceKind.ConfigMap, Name = "ca", Key = "ca.crt" }],
                },
            },
            Encryption = new EncryptionSpec
            {
                KeyServerRef = new KeyServerReference { Name = "keys", Namespace = "kms" },
                KeyName = "store-default",
                Auto = new AutoEncryption { Mode = AutoEncryptionMode.SseKms, Enforce = true },
            },
            Storage = new StorageSpec
            {
                Volume = new VolumeStorage { Size = "10Gi", StorageClassName = "fast", AccessModes = ["ReadWriteOnce"] },
                S3Gateway = new S3GatewayStorage
                {
                    Endpoint = "https://s3.example.com",
                    Bucket = "upstream",
                    Prefix = "p/",
                    BucketPrefix = "x-",
                    Region = "eu-west-1",
                    PathStyle = false,
                    Timeout = "30s",
                    ConnectTimeout = "5s",
                    MaxRetries = 5,
                    CredentialsSecretRef = new GatewayCredentialsReference { Name = "upstream", AccessKeyKey = "id", SecretKeyKey = "key" },
                    CaBundleRef = new CaBundleReference { Name = "upstream-ca" },
                    ReplicasManagedExternally = true,
                },
            },
            Credentials = new CredentialsSpec { SecretRef = new LocalObjectReference { Name = "root" } },
            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } },
            NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" },
            Tolerations = [new V1Toleration { Key = "k", OperatorProperty = "Exists" }],
            Affinity = new V1Affinity(),
            DeletionPolicy = DeletionPolicy.Delete,
            Service = new ServiceSpec { Type = ServiceType.LoadBalancer, Annotations = new Dictionary<string, string> { ["a"] = "b" } },
        },
        Status = new ObjectStoreStatus
        {
            ObservedGeneration = 2,
            Phase = "Ready",
            Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "Ok", Message = "", LastTransitionTime = DateTime.UtcNow, ObservedGeneration = 2 }],
            Endpoints = new ObjectStoreEndpoints { S3 = "https://s3", Console = "https://console" },
            Certificates = [new CertificateStatus { Name = "server", SecretName = "s", DnsNames = ["a"], IpAddresses = ["10.0.0.1"], NotAfter = DateTime.UtcNow, RenewalTime = DateTime.UtcNow, Sha256Fingerprint = new string('a', 64) }],
        },
    };
}
