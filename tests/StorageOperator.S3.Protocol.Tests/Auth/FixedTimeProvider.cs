namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>A clock pinned to one instant, so signatures from AWS's 2013 examples are "now".</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
