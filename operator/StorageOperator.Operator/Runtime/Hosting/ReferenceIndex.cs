using StorageOperator.Operator.Runtime.Client;

namespace StorageOperator.Operator.Runtime.Hosting;

/// <summary>
/// Which primaries reference which (not owned) objects, so a change to a referenced Secret or
/// ConfigMap wakes every CR that names it. Rebuilt per primary on each of its events.
/// </summary>
public sealed class ReferenceIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, HashSet<ObjectKey>> _byReferenced = [];
    private readonly Dictionary<ObjectKey, HashSet<ObjectKey>> _byPrimary = [];

    public void Set(ObjectKey primary, IEnumerable<ObjectKey> referenced)
    {
        lock (_lock)
        {
            RemoveLocked(primary);
            var set = referenced.ToHashSet();
            _byPrimary[primary] = set;
            foreach (var target in set)
            {
                if (!_byReferenced.TryGetValue(target, out var primaries))
                {
                    _byReferenced[target] = primaries = [];
                }
                primaries.Add(primary);
            }
        }
    }

    public void Remove(ObjectKey primary)
    {
        lock (_lock)
        {
            RemoveLocked(primary);
        }
    }

    public IReadOnlyList<ObjectKey> ReferencedBy(ObjectKey referenced)
    {
        lock (_lock)
        {
            return _byReferenced.TryGetValue(referenced, out var primaries) ? [.. primaries] : [];
        }
    }

    private void RemoveLocked(ObjectKey primary)
    {
        if (!_byPrimary.Remove(primary, out var old))
        {
            return;
        }
        foreach (var target in old)
        {
            if (_byReferenced.TryGetValue(target, out var primaries) && primaries.Remove(primary) && primaries.Count == 0)
            {
                _byReferenced.Remove(target);
            }
        }
    }
}
