using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Contract;

/// <summary>The contract with our own filesystem-backed storage server as the backend (prefix mode, over TLS trusted through the CA bundle option).</summary>
[Collection(FileSystemServerCollection.Name)]
public sealed class FileSystemServerTests(FileSystemServerFixture server) : GatewayContractTests
{
    protected override Uri RequireEndpoint() => server.Require();
    protected override string AccessKey => FileSystemServerFixture.AccessKey;
    protected override string SecretKey => FileSystemServerFixture.SecretKey;
    protected override BucketMapping Mapping => BucketMapping.PrefixInOneBucket;
    protected override string? CaFile => server.CaFile;
}
