namespace StorageOperator.Operator.Certificates;

/// <summary>Pure decision whether a leaf certificate the operator issued must be (re)issued.</summary>
public static class LeafPlan
{
    /// <param name="existing">facts of the certificate in the Secret; null when missing or unreadable.</param>
    /// <param name="hosts">SANs a server certificate must carry exactly; null for client certificates.</param>
    /// <param name="issuerKeyId">subject key id of the CA that signs new leaves.</param>
    public static (LeafAction Action, string Reason) Decide(CertificateFacts? existing, IReadOnlyList<string>? hosts, string? issuerKeyId, DateTime now, TimeSpan? renewBefore)
    {
        if (existing is null)
        {
            return (LeafAction.Issue, "no certificate yet");
        }
        if (existing.NotAfter <= now)
        {
            return (LeafAction.Renew, $"expired at {existing.NotAfter:O}");
        }
        if (issuerKeyId is not null && existing.AuthorityKeyId != issuerKeyId)
        {
            return (LeafAction.Reissue, "signed by a CA that is no longer the active one");
        }
        if (hosts is not null && !existing.Covers(hosts))
        {
            return (LeafAction.Reissue, "subject alternative names changed");
        }
        var renewal = existing.RenewalTime(renewBefore);
        if (now >= renewal)
        {
            return (LeafAction.Renew, $"renewal time {renewal:O} reached");
        }
        return (LeafAction.Keep, "valid");
    }
}
