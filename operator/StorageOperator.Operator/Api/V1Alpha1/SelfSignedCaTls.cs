using System.Text.Json.Serialization;
using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Certificates issued by an operator-managed CA.")]
public sealed class SelfSignedCaTls
{
    [Description("Leaf certificate lifetime as a Go duration.")]
    [Pattern(ApiGroup.DurationPattern)]
    [Default("2160h")]
    public string? Duration { get; set; }

    [Description("Renew this long before expiry; default one third of the lifetime.")]
    [Pattern(ApiGroup.DurationPattern)]
    public string? RenewBefore { get; set; }

    [Description("DNS names added to the generated service and pod names (e.g. an ingress host).")]
    [JsonPropertyName("extraDNSNames")]
    public List<string>? ExtraDnsNames { get; set; }

    [Description("IP addresses added to the certificate.")]
    [JsonPropertyName("extraIPs")]
    public List<string>? ExtraIps { get; set; }
}
