using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.Storage.S3Gateway.Tests.Support;

/// <summary>One RADOS Gateway for every RGW test of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class RgwCollection : ICollectionFixture<RgwFixture>
{
    public const string Name = RgwFixture.RgwCollectionName;
}
