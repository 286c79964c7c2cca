namespace StorageOperator.KeyServer.Configuration;

public sealed record TlsConfig
{
    public string? CertificatePath { get; init; }

    public string? PrivateKeyPath { get; init; }

    public string? Password { get; init; }

    /// <summary><c>tls.auth: on</c>: verify client chains against <see cref="CaPath"/>. Off (default): identity pinning only.</summary>
    public bool VerifyClientCertificates { get; init; }

    public string? CaPath { get; init; }
}
