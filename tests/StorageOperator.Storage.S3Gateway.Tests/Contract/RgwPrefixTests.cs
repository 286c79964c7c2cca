using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Contract;

/// <summary>The contract against Ceph RGW, all our buckets as prefixes inside one backend bucket.</summary>
[Collection(RgwCollection.Name)]
public sealed class RgwPrefixTests(RgwFixture rgw) : GatewayContractTests
{
    protected override Uri RequireEndpoint() => rgw.Require();
    protected override string AccessKey => RgwFixture.AccessKey;
    protected override string SecretKey => RgwFixture.SecretKey;
    protected override BucketMapping Mapping => BucketMapping.PrefixInOneBucket;
}
