using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
[Description("A KES-compatible key server that ObjectStores use for SSE-S3 and SSE-KMS.")]
[ShortNames("ks")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason")]
[PrinterColumn("Endpoint", "string", ".status.endpoints.api")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class KeyServer : ICustomResource<KeyServerSpec, KeyServerStatus>
{
    public const string KindName = "KeyServer";
    public const string Plural = "keyservers";

    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    public string Kind { get; set; } = KindName;

    public V1ObjectMeta Metadata { get; set; } = new();

    [Required]
    public KeyServerSpec Spec { get; set; } = new();

    public KeyServerStatus? Status { get; set; }
}
