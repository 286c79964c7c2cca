namespace StorageOperator.Operator.Certificates;

public enum LeafAction
{
    /// <summary>The certificate in the Secret is fine.</summary>
    Keep,
    /// <summary>No usable certificate yet.</summary>
    Issue,
    /// <summary>The renewal time has passed.</summary>
    Renew,
    /// <summary>Names or issuing CA changed.</summary>
    Reissue,
}
