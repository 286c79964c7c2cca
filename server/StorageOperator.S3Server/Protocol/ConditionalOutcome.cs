namespace StorageOperator.S3Server.Protocol;

public enum ConditionalOutcome
{
    Proceed,
    NotModified,
    PreconditionFailed,
}
