using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>One RADOS Gateway for the replica tests; they run one after another (one test stops radosgw).</summary>
[CollectionDefinition(Name)]
public sealed class RgwCollection : ICollectionFixture<RgwFixture>
{
    public const string Name = RgwFixture.RgwCollectionName;
}
