using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Server TLS: one mode and the sub-object for that mode.")]
public sealed class TlsSpec
{
    [Description("SelfSignedCA (default), CertManager, External or Disabled.")]
    [Default("SelfSignedCA")]
    public TlsMode? Mode { get; set; }

    [Description("Settings for mode SelfSignedCA.")]
    [System.Text.Json.Serialization.JsonPropertyName("selfSignedCA")]
    public SelfSignedCaTls? SelfSignedCA { get; set; }

    [Description("Settings for mode CertManager; required in that mode.")]
    public CertManagerTls? CertManager { get; set; }

    [Description("Settings for mode External; required in that mode.")]
    public ExternalTls? External { get; set; }
}
