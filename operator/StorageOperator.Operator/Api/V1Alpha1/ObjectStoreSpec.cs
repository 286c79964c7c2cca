using k8s.Models;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class ObjectStoreSpec
{
    [Description("Number of server pods: default 1 with volume storage, 2 with s3Gateway (stateless replicas).")]
    [Range(1, 64)]
    public int? Replicas { get; set; }

    [Description("Server image; the operator's default when empty.")]
    public string? Image { get; set; }

    [Description("Server TLS; SelfSignedCA when absent.")]
    public TlsSpec? Tls { get; set; }

    [Description("Server-side encryption; SSE-S3/SSE-KMS unavailable when absent.")]
    public EncryptionSpec? Encryption { get; set; }

    [Required]
    public StorageSpec Storage { get; set; } = new();

    public CredentialsSpec? Credentials { get; set; }

    public V1ResourceRequirements? Resources { get; set; }

    public Dictionary<string, string>? NodeSelector { get; set; }

    public List<V1Toleration>? Tolerations { get; set; }

    public V1Affinity? Affinity { get; set; }

    [Description("What happens to PersistentVolumeClaims when the ObjectStore is deleted.")]
    [Default("Retain")]
    public DeletionPolicy? DeletionPolicy { get; set; }

    public ServiceSpec? Service { get; set; }
}
