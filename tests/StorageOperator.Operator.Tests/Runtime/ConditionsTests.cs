using k8s.Models;
using StorageOperator.Operator.Runtime.Status;
using Xunit;

namespace StorageOperator.Operator.Tests.Runtime;

public sealed class ConditionsTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc);

    private static V1Condition Ready(string status, string reason, long generation) =>
        new() { Type = "Ready", Status = status, Reason = reason, Message = reason, ObservedGeneration = generation };

    [Fact]
    public void Transition_time_moves_only_when_the_status_flips()
    {
        var list = Conditions.Set(null, Ready("False", "Pending", 1), T0);
        Assert.Equal(new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc), list[0].LastTransitionTime);

        list = Conditions.Set(list, Ready("False", "StillPending", 2), T0.AddMinutes(5));
        Assert.Equal(new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc), list[0].LastTransitionTime);
        Assert.Equal(("StillPending", 2L), (list[0].Reason, list[0].ObservedGeneration));

        list = Conditions.Set(list, Ready("True", "Ok", 2), T0.AddMinutes(10));
        Assert.Equal(new DateTime(2026, 1, 1, 10, 10, 0, DateTimeKind.Utc), list[0].LastTransitionTime);
    }

    [Fact]
    public void Conditions_of_other_types_are_kept_and_the_input_is_not_mutated()
    {
        var original = Conditions.Set(null, new V1Condition { Type = "Progressing", Status = "True", Reason = "Rolling", Message = "" }, T0);
        var updated = Conditions.Set(original, Ready("True", "Ok", 1), T0);
        Assert.Single(original);
        Assert.Equal(["Progressing", "Ready"], updated.Select(c => c.Type));
        Assert.True(Conditions.IsTrue(updated, "Ready"));
        Assert.False(Conditions.IsTrue(updated, "Degraded"));
    }
}
