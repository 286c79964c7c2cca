namespace StorageOperator.KubeEmulator.Hosting;

/// <summary>How to run the emulator.</summary>
public sealed record EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Serve plain HTTP instead of HTTPS (the bearer token is still required).</summary>
    public bool UseHttp { get; init; }

    /// <summary>The bearer token clients must present; a random one when null.</summary>
    public string? Token { get; init; }

    /// <summary>How many change events a watch can resume from before the resourceVersion is "too old" (410).</summary>
    public int HistoryCapacity { get; init; } = 10_000;

    /// <summary>How often a watch that asked for bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Namespaces that exist from the start.</summary>
    public IReadOnlyList<string> InitialNamespaces { get; init; } = ["default", "kube-system", "kube-public"];

    /// <summary>Write ASP.NET Core request logs to the console (standalone mode).</summary>
    public bool Verbose { get; init; }
}
