using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Where objects live: exactly one of volume or s3Gateway.")]
[ValidationRule("has(self.volume) != has(self.s3Gateway)", "exactly one of volume or s3Gateway must be set")]
public sealed class StorageSpec
{
    public VolumeStorage? Volume { get; set; }

    public S3GatewayStorage? S3Gateway { get; set; }
}
