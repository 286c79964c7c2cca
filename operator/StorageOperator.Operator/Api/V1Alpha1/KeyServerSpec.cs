using k8s.Models;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class KeyServerSpec
{
    [Range(1, 16)]
    [Default(1)]
    public int? Replicas { get; set; }

    [Description("Key server image; the operator's default when empty.")]
    public string? Image { get; set; }

    [Description("Server TLS; SelfSignedCA when absent. Disabled is rejected: clients authenticate by certificate.")]
    public TlsSpec? Tls { get; set; }

    [Required]
    public KeystoreSpec Keystore { get; set; } = new();

    public List<KeyServerPolicy>? Policies { get; set; }

    [Description("Secret key holding the root key that seals stored keys; generated when absent.")]
    public SecretKeyReference? RootKeySecretRef { get; set; }

    public V1ResourceRequirements? Resources { get; set; }

    public Dictionary<string, string>? NodeSelector { get; set; }

    public List<V1Toleration>? Tolerations { get; set; }

    public V1Affinity? Affinity { get; set; }
}
