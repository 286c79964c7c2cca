namespace StorageOperator.Crypto.Kms;

/// <param name="Endpoint">URL, or "builtin" for the static key.</param>
/// <param name="Version">server version when online.</param>
/// <param name="Latency">round trip of the status call.</param>
/// <param name="Error">why it is offline.</param>
public sealed record KmsEndpointStatus(string Endpoint, bool Online, string? Version = null, TimeSpan? Latency = null, string? Error = null);
