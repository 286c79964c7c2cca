using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Operator.Controllers.Probes;

/// <param name="Bucket">prefix mode: the one backend bucket (checked with a one-key listing); null: bucket-per-bucket mode (ListBuckets).</param>
/// <param name="TrustedCas">the caBundleRef's certificates; null trusts the system roots.</param>
public sealed record BackendProbeRequest(
    Uri Endpoint,
    string Region,
    bool PathStyle,
    string AccessKey,
    string SecretKey,
    string? Bucket,
    string? KeyPrefix,
    IReadOnlyList<X509Certificate2>? TrustedCas)
{
    /// <summary>The secret key is never printed.</summary>
    public override string ToString() => $"BackendProbeRequest {{ Endpoint = {Endpoint}, Bucket = {Bucket}, AccessKey = {AccessKey}, SecretKey = *** }}";
}
