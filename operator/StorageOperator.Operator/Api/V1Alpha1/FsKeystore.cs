using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class FsKeystore
{
    [Required]
    [Pattern(ApiGroup.QuantityPattern)]
    public string Size { get; set; } = "";

    public string? StorageClassName { get; set; }
}
