namespace StorageOperator.Crypto.Kms;

/// <summary>How to reach a KES server (or a cluster of them) over mutual TLS.</summary>
public sealed record KesClientOptions
{
    /// <summary>Tried in order, starting with the last one that answered (failover).</summary>
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>Key for SSE-S3, SSE-KMS without a key id, and auto-encryption.</summary>
    public required string DefaultKeyName { get; init; }

    /// <summary>PEM client certificate (leaf first); reloaded when it or the key file changes.</summary>
    public required string ClientCertificateFile { get; init; }

    /// <summary>PEM private key of the client certificate.</summary>
    public required string ClientKeyFile { get; init; }

    /// <summary>
    /// File or directory of CA certificates that may issue the KES server certificate, in addition to the system
    /// roots. Null or missing: system roots only.
    /// </summary>
    public string? CaPath { get; init; }

    /// <summary>Per attempt and endpoint, including reading the response.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rounds over all endpoints before giving up (network errors, timeouts and 5xx only; 4xx never retry).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Backoff before round n (n ≥ 1) is base × 2^(n−1), capped at <see cref="RetryMaxDelay"/>, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the client certificate files are compared with what is loaded (zero: on every request).</summary>
    public TimeSpan CertificateCheckInterval { get; init; } = TimeSpan.FromSeconds(10);
}
