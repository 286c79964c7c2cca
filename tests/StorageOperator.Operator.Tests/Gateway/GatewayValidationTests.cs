using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Validation;
using Xunit;

namespace StorageOperator.Operator.Tests.Gateway;

public sealed class GatewayValidationTests
{
    [Theory]
    [InlineData("https://rgw.example.com:7480", "shared", null, null)]
    [InlineData("http://10.0.0.5:9000/", null, null, null)]
    [InlineData("https://s3.amazonaws.com", null, null, "tenant-a-")]
    [InlineData("https://s3.amazonaws.com", "shared", "stores/prod/", null)]
    public void Valid_gateway_specs(string endpoint, string? bucket, string? prefix, string? bucketPrefix)
    {
        var store = GatewayResourcesTests.GatewayStore(g =>
        {
            g.Endpoint = endpoint;
            g.Bucket = bucket;
            g.Prefix = prefix;
            g.BucketPrefix = bucketPrefix;
        });
        Assert.Empty(ObjectStoreValidator.Validate(store));
    }

    [Fact]
    public void Every_gateway_problem_is_reported_at_once()
    {
        var store = GatewayResourcesTests.GatewayStore(g =>
        {
            g.Endpoint = "http://rgw:7480/some/path";
            g.Bucket = "Not_A_Bucket";
            g.Prefix = "/abs//prefix";
            g.BucketPrefix = "UPPER";
            g.Region = "";
            g.Timeout = "2h";
            g.ConnectTimeout = "0s";
            g.MaxRetries = 21;
            g.CredentialsSecretRef = new GatewayCredentialsReference { Name = "Bad_Name", AccessKeyKey = "a/b", SecretKeyKey = "" };
            g.CaBundleRef = new CaBundleReference { Name = "ca", Key = "x y" };
        });

        var paths = ObjectStoreValidator.Validate(store).Select(e => e.Path).ToList();

        Assert.Equal(
            [
                "spec.storage.s3Gateway.endpoint",
                "spec.storage.s3Gateway.bucket",
                "spec.storage.s3Gateway.bucketPrefix",
                "spec.storage.s3Gateway.prefix",
                "spec.storage.s3Gateway.bucketPrefix",
                "spec.storage.s3Gateway.region",
                "spec.storage.s3Gateway.timeout",
                "spec.storage.s3Gateway.connectTimeout",
                "spec.storage.s3Gateway.maxRetries",
                "spec.storage.s3Gateway.credentialsSecretRef.name",
                "spec.storage.s3Gateway.credentialsSecretRef.accessKeyKey",
                "spec.storage.s3Gateway.credentialsSecretRef.secretKeyKey",
                "spec.storage.s3Gateway.caBundleRef.key",
                "spec.storage.s3Gateway.caBundleRef",
            ],
            paths);
    }

    [Theory]
    [InlineData("30s", true)]
    [InlineData("500ms", true)]
    [InlineData("1.5m", true)]
    [InlineData("1h", true)]
    [InlineData("45", true)]
    [InlineData("61m", false)]
    [InlineData("0ms", false)]
    [InlineData("10x", false)]
    public void Timeouts_follow_the_servers_duration_rule(string timeout, bool valid)
    {
        var store = GatewayResourcesTests.GatewayStore(g => g.Timeout = timeout);
        Assert.Equal(valid, ObjectStoreValidator.Validate(store).Count == 0);
    }

    [Fact]
    public void Prefix_needs_bucket_and_a_CA_bundle_needs_https()
    {
        var store = GatewayResourcesTests.GatewayStore(g =>
        {
            g.Endpoint = "http://rgw:7480";
            g.Bucket = null;
            g.Prefix = "p/";
            g.CaBundleRef = new CaBundleReference { Name = "ca" };
        });
        Assert.Equal(["spec.storage.s3Gateway.prefix", "spec.storage.s3Gateway.caBundleRef"], ObjectStoreValidator.Validate(store).Select(e => e.Path));
    }
}
