using StorageOperator.Operator.Certificates;
using Xunit;

namespace StorageOperator.Operator.Tests.Certificates;

public sealed class LeafPlanTests
{
    private static readonly DateTime Issued = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CertificateFacts Facts(TimeSpan lifetime, string aki = "ca1", params string[] dns) =>
        new(Issued, Issued + lifetime, dns.Length == 0 ? ["a.ns.svc"] : dns, [], new string('0', 64), new string('1', 64), aki);

    [Theory]
    [InlineData(59, LeafAction.Keep)]   // before two thirds of 90 days
    [InlineData(61, LeafAction.Renew)]  // after
    [InlineData(91, LeafAction.Renew)]  // expired
    public void Renews_at_two_thirds_of_the_lifetime_by_default(int days, LeafAction expected)
    {
        var (action, _) = LeafPlan.Decide(Facts(TimeSpan.FromDays(90)), ["a.ns.svc"], "ca1", Issued.AddDays(days), null);
        Assert.Equal(expected, action);
    }

    [Fact]
    public void RenewBefore_overrides_the_default_window()
    {
        var facts = Facts(TimeSpan.FromDays(90));
        Assert.Equal(LeafAction.Keep, LeafPlan.Decide(facts, null, "ca1", Issued.AddDays(80), TimeSpan.FromDays(5)).Action);
        Assert.Equal(LeafAction.Renew, LeafPlan.Decide(facts, null, "ca1", Issued.AddDays(86), TimeSpan.FromDays(5)).Action);
    }

    [Fact]
    public void Missing_certificate_changed_names_and_a_new_CA_each_have_their_own_action()
    {
        Assert.Equal(LeafAction.Issue, LeafPlan.Decide(null, ["a"], "ca1", Issued, null).Action);
        Assert.Equal(LeafAction.Reissue, LeafPlan.Decide(Facts(TimeSpan.FromDays(90)), ["a.ns.svc", "s3.example.com"], "ca1", Issued.AddDays(1), null).Action);
        var (action, reason) = LeafPlan.Decide(Facts(TimeSpan.FromDays(90)), ["a.ns.svc"], "ca2", Issued.AddDays(1), null);
        Assert.Equal(LeafAction.Reissue, action);
        Assert.Contains("no longer the active", reason);
        // Client certificates (no hosts) ignore names.
        Assert.Equal(LeafAction.Keep, LeafPlan.Decide(Facts(TimeSpan.FromDays(90)), null, "ca1", Issued.AddDays(1), null).Action);
    }

    [Fact]
    public void Names_compare_case_insensitively_and_ignore_order()
    {
        var facts = Facts(TimeSpan.FromDays(90), "ca1", "B.ns.svc", "a.ns.svc");
        Assert.True(facts.Covers(["a.ns.svc", "b.NS.svc"]));
        Assert.False(facts.Covers(["a.ns.svc"]));
    }
}
