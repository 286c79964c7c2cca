namespace StorageOperator.S3Server.Protocol;

/// <summary>The outcome of interpreting a Range header against an object size.</summary>
public enum RangeOutcome
{
    /// <summary>No usable Range header (absent, malformed or multi-range): send the whole object with 200, as AWS does.</summary>
    Whole,
    Partial,
    Unsatisfiable,
}
