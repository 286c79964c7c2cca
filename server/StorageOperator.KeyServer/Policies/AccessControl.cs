using StorageOperator.KeyServer.Identities;

namespace StorageOperator.KeyServer.Policies;

/// <summary>
/// One immutable snapshot of who may do what: the admin identity (if any), the policies and the identity → policy
/// assignments. A config reload swaps the whole snapshot, so a request never sees half a change.
/// Identity lookups scan every pinned identity with constant-time comparisons.
/// </summary>
public sealed class AccessControl
{
    private readonly (string Identity, string Policy)[] _assignments;

    public AccessControl(string? adminIdentity, IReadOnlyDictionary<string, Policy> policies, IEnumerable<(string Identity, string Policy)> assignments, DateTimeOffset loadedAt)
    {
        AdminIdentity = Identity.IsWellFormed(adminIdentity) ? adminIdentity : null;
        Policies = policies;
        _assignments = [.. assignments];
        LoadedAt = loadedAt;
    }

    public static AccessControl Empty { get; } = new(null, new Dictionary<string, Policy>(), [], DateTimeOffset.UnixEpoch);

    /// <summary>Null when the admin is disabled (the default).</summary>
    public string? AdminIdentity { get; }

    public IReadOnlyDictionary<string, Policy> Policies { get; }

    public DateTimeOffset LoadedAt { get; }

    public IEnumerable<string> Identities => _assignments.Select(a => a.Identity);

    public bool IsAdmin(string identity) => AdminIdentity is not null && Identity.FixedTimeEquals(identity, AdminIdentity);

    public Policy? PolicyOf(string identity)
    {
        string? found = null;
        foreach (var (pinned, policy) in _assignments)
        {
            if (Identity.FixedTimeEquals(identity, pinned))
            {
                found = policy;
            }
        }

        return found is not null && Policies.TryGetValue(found, out var p) ? p : null;
    }

    public bool IsAuthorized(string identity, string path)
    {
        if (IsAdmin(identity))
        {
            return true;
        }

        return PolicyOf(identity)?.Permits(path) ?? false;
    }
}
