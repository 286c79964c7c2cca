using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("A PersistentVolumeClaim per replica (embedded file-system backend).")]
public sealed class VolumeStorage
{
    [Required]
    [Description("Requested size, e.g. 10Gi.")]
    [Pattern(ApiGroup.QuantityPattern)]
    public string Size { get; set; } = "";

    public string? StorageClassName { get; set; }

    [Default(new[] { "ReadWriteOnce" })]
    public List<string>? AccessModes { get; set; }
}
