namespace StorageOperator.KubeEmulator.Resources;

/// <summary>The set of served resources: the built-ins plus whatever CRDs currently define. Thread-safe.</summary>
public sealed class ResourceRegistry
{
    private readonly object _sync = new();
    private List<ResourceDefinition> _all = [.. BuiltinResources.All];

    public IReadOnlyList<ResourceDefinition> All
    {
        get
        {
            lock (_sync)
            {
                return _all;
            }
        }
    }

    public ResourceDefinition? Find(string group, string version, string plural) =>
        All.FirstOrDefault(d => d.Group == group && d.Version == version && d.Plural == plural);

    /// <summary>The definition that owns a storage key (any served version).</summary>
    public ResourceDefinition? FindByStorageKey(string storageKey) => All.FirstOrDefault(d => d.StorageKey == storageKey);

    public void RegisterCrd(string crdName, IReadOnlyList<ResourceDefinition> definitions)
    {
        lock (_sync)
        {
            _all = [.. _all.Where(d => d.CrdName != crdName), .. definitions];
        }
    }

    public void UnregisterCrd(string crdName)
    {
        lock (_sync)
        {
            _all = [.. _all.Where(d => d.CrdName != crdName)];
        }
    }

    /// <summary>Groups in discovery order: built-in groups first, then custom groups by name.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var all = All;
        var groups = all.Select(d => d.Group).Where(g => g.Length > 0).Distinct()
            .OrderBy(g => all.First(d => d.Group == g).IsCustom ? 1 : 0)
            .ThenBy(g => all.First(d => d.Group == g).IsCustom ? g : "", StringComparer.Ordinal);
        return groups.Select(g => (g, (IReadOnlyList<string>)all.Where(d => d.Group == g).Select(d => d.Version).Distinct()
            .OrderByDescending(VersionPriority).ToList())).ToList();
    }

    /// <summary>Kubernetes version priority: GA over beta over alpha, higher numbers first.</summary>
    public static (int Level, int Major, int Minor) VersionPriority(string version)
    {
        var m = System.Text.RegularExpressions.Regex.Match(version, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!m.Success)
        {
            return (0, 0, 0);
        }
        var level = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        return (level, int.Parse(m.Groups[1].Value), m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 0);
    }
}
