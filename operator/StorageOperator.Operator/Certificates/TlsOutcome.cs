using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Certificates;

/// <summary>A server Secret to mount (key names inside it) and, for SNI, the directory name it goes to.</summary>
public sealed record ServedCertificate(string SecretName, string CertKey, string KeyKey, string? SniDirectory);

/// <summary>Result of converging a CR's server TLS in one of the modes.</summary>
public sealed record TlsOutcome(
    bool Enabled,
    bool Ready,
    string Reason,
    string Message,
    IReadOnlyList<ServedCertificate> Served,
    string Bundle,
    IReadOnlyList<CertificateStatus> Certificates,
    IReadOnlyList<(string Reason, string Message)> Events,
    DateTime? NextCheck)
{
    public const string ReasonReady = "CertificatesReady";
    public const string ReasonDisabled = "TLSDisabled";
    public const string ReasonCertManagerNotInstalled = "CertManagerNotInstalled";
    public const string ReasonCertificatePending = "CertificatePending";
    public const string ReasonSecretNotFound = "SecretNotFound";
    public const string ReasonInvalidCertificate = "InvalidCertificate";
    public const string ReasonCertificateExpired = "CertificateExpired";

    /// <summary>A failure (as opposed to waiting for something): counts towards Degraded.</summary>
    public bool Failed => !Ready && Enabled && Reason is ReasonInvalidCertificate or ReasonCertificateExpired or ReasonSecretNotFound or ReasonCertManagerNotInstalled;
}
