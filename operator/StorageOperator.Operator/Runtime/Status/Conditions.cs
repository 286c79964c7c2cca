using k8s.Models;

namespace StorageOperator.Operator.Runtime.Status;

/// <summary>Pure condition bookkeeping with metav1.Condition semantics.</summary>
public static class Conditions
{
    /// <summary>
    /// Sets or replaces the condition of the same type. lastTransitionTime changes only when the
    /// status flips, so "since when is it not Ready" stays truthful across repeated reconciles.
    /// </summary>
    public static List<V1Condition> Set(IReadOnlyList<V1Condition>? existing, V1Condition condition, DateTime now)
    {
        var result = new List<V1Condition>(existing ?? []);
        var index = result.FindIndex(c => c.Type == condition.Type);
        var previous = index >= 0 ? result[index] : null;
        var updated = new V1Condition
        {
            Type = condition.Type,
            Status = condition.Status,
            Reason = condition.Reason,
            Message = condition.Message ?? "",
            ObservedGeneration = condition.ObservedGeneration,
            LastTransitionTime = previous is not null && previous.Status == condition.Status
                ? previous.LastTransitionTime
                : TruncateToSeconds(now),
        };
        if (index >= 0)
        {
            result[index] = updated;
        }
        else
        {
            result.Add(updated);
        }
        return result;
    }

    public static V1Condition? Find(IReadOnlyList<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IReadOnlyList<V1Condition>? conditions, string type) =>
        Find(conditions, type)?.Status == "True";

    // metav1.Time has second precision on the wire; keeping it here makes "unchanged" comparisons exact.
    private static DateTime TruncateToSeconds(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
