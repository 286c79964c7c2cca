using StorageOperator.KeyServer.Configuration;
using StorageOperator.KeyServer.KeyStores;
using StorageOperator.KeyServer.Observability;
using StorageOperator.KeyServer.Policies;

namespace StorageOperator.KeyServer.Hosting;

/// <summary>
/// The live state the handlers share: the keystore, the current access snapshot (swapped whole on reload),
/// logs and metrics.
/// </summary>
public sealed class KeyServerRuntime
{
    private AccessControl _access;

    public KeyServerRuntime(KeyServerConfig config, IKeyStore keyStore, AuditLog audit, ILogger logger, TimeProvider time, KeyServerMetrics? metrics = null, EventBroadcaster<ErrorEvent>? errorStream = null)
    {
        Metrics = metrics ?? new KeyServerMetrics();
        ErrorStream = errorStream ?? new EventBroadcaster<ErrorEvent>();
        Config = config;
        KeyStore = keyStore;
        Audit = audit;
        Logger = logger;
        Time = time;
        _access = BuildAccessControl(config, time.GetUtcNow());
    }

    /// <summary>The config the server started with; only its policy and identity parts are reloaded.</summary>
    public KeyServerConfig Config { get; }

    public IKeyStore KeyStore { get; }

    public AuditLog Audit { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public KeyServerMetrics Metrics { get; }

    public EventBroadcaster<ErrorEvent> ErrorStream { get; }

    public AccessControl Access => Volatile.Read(ref _access);

    public void ApplyReloadedConfig(KeyServerConfig config)
    {
        Volatile.Write(ref _access, BuildAccessControl(config, Time.GetUtcNow()));
        Logger.LogInformation("config reloaded: {Policies} policies, {Identities} identities, admin {Admin}",
            config.Policies.Count, config.Policies.Values.Sum(p => p.Identities.Count), config.AdminIdentity is null ? "disabled" : "enabled");
        if (config.Address != Config.Address || config.Tls != Config.Tls || config.KeyStore != Config.KeyStore || config.Log != Config.Log)
        {
            Logger.LogWarning("config change of address, tls, keystore or log needs a restart; policies and identities were applied");
        }
    }

    public static AccessControl BuildAccessControl(KeyServerConfig config, DateTimeOffset now)
    {
        var createdBy = config.AdminIdentity ?? "";
        var policies = config.Policies.ToDictionary(
            kv => kv.Key,
            kv => new Policy(kv.Key, kv.Value.Allow, kv.Value.Deny, now, createdBy),
            StringComparer.Ordinal);
        var assignments = config.Policies.SelectMany(kv => kv.Value.Identities.Select(identity => (identity, kv.Key)));
        return new AccessControl(config.AdminIdentity, policies, assignments, now);
    }
}
