namespace StorageOperator.KeyServer.Configuration;

/// <summary>The parsed config file (KES's <c>server-config.yaml</c> shape), immutable and already validated.</summary>
public sealed record KeyServerConfig
{
    public string Address { get; init; } = "0.0.0.0:7373";

    /// <summary>Null when disabled, the default; any value that is not an identity disables it too, as in KES.</summary>
    public string? AdminIdentity { get; init; }

    public TlsConfig Tls { get; init; } = new();

    public IReadOnlyDictionary<string, PolicyConfig> Policies { get; init; } = new Dictionary<string, PolicyConfig>();

    public IReadOnlyDictionary<string, ApiRouteConfig> Api { get; init; } = new Dictionary<string, ApiRouteConfig>();

    public LogConfig Log { get; init; } = new();

    /// <summary>Keys created at start when missing.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    public KeyStoreConfig KeyStore { get; init; } = new MemoryKeyStoreConfig();
}
