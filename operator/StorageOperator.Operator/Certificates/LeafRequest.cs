namespace StorageOperator.Operator.Certificates;

/// <summary>
/// A leaf the operator issues into a Secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>).
/// <paramref name="Hosts"/> makes it a server certificate, else <paramref name="CommonName"/> a client one.
/// <paramref name="KeepKey"/> reuses the private key on renewal (stable key-server identity).
/// </summary>
public sealed record LeafRequest(
    string Role,
    string SecretName,
    IReadOnlyList<string>? Hosts,
    string? CommonName,
    TimeSpan Lifetime,
    TimeSpan? RenewBefore,
    bool KeepKey,
    IReadOnlyDictionary<string, string> Labels);
