using k8s.Models;
using StorageOperator.Operator.Runtime.Status;

namespace StorageOperator.Operator.Controllers;

/// <summary>
/// One reconcile's findings, folded into the standard conditions. Pure: Ready is True only when every
/// required part is; Degraded when a part failed (as opposed to still waiting); Progressing while
/// waiting. The first unready part names Ready's reason, so `kubectl get` shows what to look at.
/// </summary>
public sealed class ConditionSet
{
    private readonly List<Part> _parts = [];

    private sealed record Part(string Type, bool Ok, bool Failed, bool Required, string Reason, string Message, string NotReadyReason);

    /// <summary>A domain condition of its own (TLSReady, KeyServerReady, EncryptionReady).</summary>
    public ConditionSet Condition(string type, bool ok, string reason, string message, bool failed = false, bool required = true, string? notReadyReason = null)
    {
        _parts.Add(new Part(type, ok, failed, required, reason, message, notReadyReason ?? type.Replace("Ready", "NotReady", StringComparison.Ordinal)));
        return this;
    }

    /// <summary>A prerequisite without a condition of its own (credentials, workload rollout).</summary>
    public ConditionSet Requirement(bool ok, string notReadyReason, string message, bool failed = false)
    {
        _parts.Add(new Part("", ok, failed, true, notReadyReason, message, notReadyReason));
        return this;
    }

    public bool Ready => _parts.Where(p => p.Required).All(p => p.Ok);

    public bool Degraded => _parts.Any(p => p.Failed);

    public string Phase => Ready ? "Ready" : Degraded ? "Failed" : "Progressing";

    public List<V1Condition> Apply(IReadOnlyList<V1Condition>? existing, Func<string, bool?, string, string, V1Condition> make, DateTime now)
    {
        var conditions = new List<V1Condition>(existing ?? []);
        foreach (var part in _parts.Where(p => p.Type.Length > 0))
        {
            conditions = Conditions.Set(conditions, make(part.Type, part.Ok, part.Reason, part.Message), now);
        }
        var blocking = _parts.FirstOrDefault(p => p.Required && !p.Ok);
        conditions = Conditions.Set(conditions, blocking is null
            ? make(ConditionTypes.Ready, true, ConditionNames.ReasonAllComponentsReady, "All components are ready.")
            : make(ConditionTypes.Ready, false, blocking.NotReadyReason, blocking.Message), now);
        var failed = _parts.Where(p => p.Failed).ToList();
        conditions = Conditions.Set(conditions, failed.Count > 0
            ? make(ConditionTypes.Degraded, true, ConditionNames.ReasonComponentFailing, string.Join(" ", failed.Select(f => f.Message)))
            : make(ConditionTypes.Degraded, false, ConditionNames.ReasonAsExpected, "No component is failing."), now);
        var waiting = _parts.Where(p => p.Required && !p.Ok && !p.Failed).ToList();
        conditions = Conditions.Set(conditions, waiting.Count > 0
            ? make(ConditionTypes.Progressing, true, waiting[0].NotReadyReason == ConditionNames.ReasonWorkloadNotReady ? ConditionNames.ReasonRollingOut : ConditionNames.ReasonWaitingForDependencies, string.Join(" ", waiting.Select(w => w.Message)))
            : make(ConditionTypes.Progressing, false, ConditionNames.ReasonReconcileComplete, "Desired state applied."), now);
        return conditions;
    }
}
