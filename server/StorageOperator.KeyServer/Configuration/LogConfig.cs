namespace StorageOperator.KeyServer.Configuration;

public sealed record LogConfig
{
    public bool Error { get; init; } = true;

    public bool Audit { get; init; }

    /// <summary>Our extension: audit JSON lines go to this file instead of stdout.</summary>
    public string? AuditFile { get; init; }
}
