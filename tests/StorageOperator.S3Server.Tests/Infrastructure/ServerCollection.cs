namespace StorageOperator.S3Server.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "s3 server";
}
