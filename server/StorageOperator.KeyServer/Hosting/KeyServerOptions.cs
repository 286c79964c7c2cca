using StorageOperator.KeyServer.Configuration;

namespace StorageOperator.KeyServer.Hosting;

/// <summary>How to start a key server in-process (the CLI, tests, the operator's local runs).</summary>
public sealed record KeyServerOptions
{
    /// <summary>The YAML config file; policies and identities reload when it changes.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>An already parsed config, used when <see cref="ConfigPath"/> is null (no reload).</summary>
    public KeyServerConfig? Config { get; init; }

    /// <summary>Overrides the config's address, e.g. "127.0.0.1:0" in tests.</summary>
    public string? Address { get; init; }

    /// <summary>How often the config file is re-read besides file-system notifications.</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Extra logging setup, e.g. a test sink.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Overrides the audit destination (tests capture it); otherwise the config's log settings decide.</summary>
    public TextWriter? AuditWriter { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
