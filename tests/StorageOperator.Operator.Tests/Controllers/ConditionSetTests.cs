using k8s.Models;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Runtime.Status;
using Xunit;

namespace StorageOperator.Operator.Tests.Controllers;

public sealed class ConditionSetTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static List<V1Condition> Apply(ConditionSet set) =>
        set.Apply(null, (type, ok, reason, message) => new V1Condition { Type = type, Status = ok == true ? "True" : "False", Reason = reason, Message = message, ObservedGeneration = 3 }, Now);

    [Fact]
    public void All_parts_ok_is_Ready_not_Progressing_not_Degraded()
    {
        var conditions = Apply(new ConditionSet()
            .Condition(ConditionNames.TlsReady, true, "CertificatesReady", "ok")
            .Requirement(true, ConditionNames.ReasonWorkloadNotReady, "ok"));
        Assert.Equal(("True", ConditionNames.ReasonAllComponentsReady), Get(conditions, ConditionTypes.Ready));
        Assert.Equal(("False", ConditionNames.ReasonReconcileComplete), Get(conditions, ConditionTypes.Progressing));
        Assert.Equal(("False", ConditionNames.ReasonAsExpected), Get(conditions, ConditionTypes.Degraded));
        Assert.Equal(("True", "CertificatesReady"), Get(conditions, ConditionNames.TlsReady));
    }

    [Fact]
    public void The_first_unready_part_names_Ready_failures_degrade_waiting_progresses()
    {
        var set = new ConditionSet()
            .Condition(ConditionNames.TlsReady, true, "CertificatesReady", "ok")
            .Condition(ConditionNames.KeyServerReady, false, ConditionNames.ReasonIdentityPending, "waiting for identity")
            .Condition(ConditionNames.EncryptionReady, false, "PermissionDenied", "denied", failed: true)
            .Requirement(false, ConditionNames.ReasonWorkloadNotReady, "0/1 ready");
        var conditions = Apply(set);
        Assert.Equal(("False", "KeyServerNotReady"), Get(conditions, ConditionTypes.Ready));
        Assert.Equal("waiting for identity", conditions.Single(c => c.Type == ConditionTypes.Ready).Message);
        Assert.Equal(("True", ConditionNames.ReasonComponentFailing), Get(conditions, ConditionTypes.Degraded));
        Assert.Equal("denied", conditions.Single(c => c.Type == ConditionTypes.Degraded).Message);
        Assert.Equal(("True", ConditionNames.ReasonWaitingForDependencies), Get(conditions, ConditionTypes.Progressing));
        Assert.Equal("Failed", set.Phase);
    }

    [Fact]
    public void Optional_parts_do_not_block_Ready()
    {
        var set = new ConditionSet()
            .Condition(ConditionNames.EncryptionReady, false, ConditionNames.ReasonNotConfigured, "not configured", required: false)
            .Requirement(true, ConditionNames.ReasonWorkloadNotReady, "ok");
        Assert.True(set.Ready);
        Assert.Equal(("False", ConditionNames.ReasonNotConfigured), Get(Apply(set), ConditionNames.EncryptionReady));
    }

    private static (string, string) Get(List<V1Condition> conditions, string type)
    {
        var c = conditions.Single(c => c.Type == type);
        return (c.Status, c.Reason);
    }
}
