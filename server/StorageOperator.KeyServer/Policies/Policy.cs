namespace StorageOperator.KeyServer.Policies;

/// <summary>A named set of allow and deny path patterns. Deny wins; no allow match means no access.</summary>
public sealed record Policy(string Name, IReadOnlyList<string> Allow, IReadOnlyList<string> Deny, DateTimeOffset CreatedAt, string CreatedBy)
{
    public bool Permits(string path)
    {
        // Evaluate every pattern so the time taken does not depend on which one matched.
        var denied = false;
        foreach (var pattern in Deny)
        {
            denied |= PathPattern.Matches(pattern, path);
        }

        var allowed = false;
        foreach (var pattern in Allow)
        {
            allowed |= PathPattern.Matches(pattern, path);
        }

        return allowed && !denied;
    }
}
