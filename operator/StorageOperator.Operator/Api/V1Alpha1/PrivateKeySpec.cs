using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

public sealed class PrivateKeySpec
{
    [Description("RSA, ECDSA (default) or Ed25519.")]
    [Default("ECDSA")]
    public PrivateKeyAlgorithm? Algorithm { get; set; }

    [Description("Key size: 2048-8192 for RSA, 256/384/521 for ECDSA; ignored for Ed25519.")]
    [Range(0, 8192)]
    public int? Size { get; set; }

    [Description("Never or Always. Always changes the client identity on every renewal.")]
    public RotationPolicy? RotationPolicy { get; set; }
}
