using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
[Description("An encrypted S3-compatible object store.")]
[ShortNames("os", "objstore")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason")]
[PrinterColumn("Endpoint", "string", ".status.endpoints.s3")]
[PrinterColumn("Replicas", "integer", ".spec.replicas", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class ObjectStore : ICustomResource<ObjectStoreSpec, ObjectStoreStatus>
{
    public const string KindName = "ObjectStore";
    public const string Plural = "objectstores";

    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    public string Kind { get; set; } = KindName;

    public V1ObjectMeta Metadata { get; set; } = new();

    [Required]
    public ObjectStoreSpec Spec { get; set; } = new();

    public ObjectStoreStatus? Status { get; set; }
}
