using System.Collections;
using StorageOperator.Storage.S3Gateway.Configuration;

namespace StorageOperator.Storage.S3Gateway.Tests.Unit;

public sealed class OptionsTests
{
    private static Hashtable Env(params (string Name, string Value)[] variables)
    {
        var env = new Hashtable();
        foreach (var (name, value) in variables)
        {
            env[name] = value;
        }
        return env;
    }

    [Fact]
    public void Prefix_mode_with_every_setting()
    {
        var options = S3GatewayOptions.FromEnvironment(Env(
            ("STORAGE_GATEWAY_ENDPOINT", "https://rgw.example.com:8443"),
            ("STORAGE_GATEWAY_REGION", "eu-1"),
            ("STORAGE_GATEWAY_ACCESS_KEY", "AKIA"),
            ("STORAGE_GATEWAY_SECRET_KEY", "s3cr3t"),
            ("STORAGE_GATEWAY_BUCKET", "shared/tenants/one"),
            ("STORAGE_GATEWAY_CA_FILE", "/etc/ca.pem"),
            ("STORAGE_GATEWAY_PATH_STYLE", "off"),
            ("STORAGE_GATEWAY_TIMEOUT", "45s"),
            ("STORAGE_GATEWAY_CONNECT_TIMEOUT", "500ms"),
            ("STORAGE_GATEWAY_MAX_RETRIES", "5"),
            ("STORAGE_GATEWAY_PART_SIZE", "32MiB")));
        Assert.Equal(new Uri("https://rgw.example.com:8443/"), options.Endpoint);
        Assert.Equal("eu-1", options.Region);
        Assert.Equal(BucketMapping.PrefixInOneBucket, options.Mapping);
        Assert.Equal("shared", options.Bucket);
        Assert.Equal("tenants/one/", options.Prefix);
        Assert.Equal("/etc/ca.pem", options.CaFile);
        Assert.False(options.ForcePathStyle);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ConnectTimeout);
        Assert.Equal(5, options.MaxRetries);
        Assert.Equal(32L << 20, options.PartSize);
    }

    [Fact]
    public void Bucket_per_bucket_mode_with_secrets_from_files_and_defaults()
    {
        var files = new Dictionary<string, string> { ["/run/ak"] = "AKIA\n", ["/run/sk"] = "  s3cr3t \n" };
        var options = S3GatewayOptions.FromEnvironment(Env(
            ("STORAGE_GATEWAY_ENDPOINT", "http://127.0.0.1:7480"),
            ("STORAGE_GATEWAY_ACCESS_KEY_FILE", "/run/ak"),
            ("STORAGE_GATEWAY_SECRET_KEY_FILE", "/run/sk"),
            ("STORAGE_GATEWAY_BUCKET_PREFIX", "tenant-a-")), path => files[path]);
        Assert.Equal(BucketMapping.BucketPerBucket, options.Mapping);
        Assert.Equal("tenant-a-", options.Prefix);
        Assert.Null(options.Bucket);
        Assert.Equal("AKIA", options.AccessKey);
        Assert.Equal("s3cr3t", options.SecretKey);
        Assert.Equal("us-east-1", options.Region);
        Assert.True(options.ForcePathStyle);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(16L << 20, options.PartSize);
        Assert.DoesNotContain("s3cr3t", options.ToString());
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var error = Assert.Throws<S3GatewayConfigurationException>(() => S3GatewayOptions.FromEnvironment(Env(
            ("STORAGE_GATEWAY_ENDPOINT", "ftp://backend/path"),
            ("STORAGE_GATEWAY_SECRET_KEY", "a"),
            ("STORAGE_GATEWAY_SECRET_KEY_FILE", "/b"),
            ("STORAGE_GATEWAY_BUCKET", "x"),
            ("STORAGE_GATEWAY_BUCKET_PREFIX", "p-"),
            ("STORAGE_GATEWAY_TIMEOUT", "soon"),
            ("STORAGE_GATEWAY_MAX_RETRIES", "-1"),
            ("STORAGE_GATEWAY_PART_SIZE", "1MiB"),
            ("STORAGE_GATEWAY_PATH_STYLE", "maybe")), _ => throw new IOException("unreadable")));
        string[] mentioned =
        [
            "STORAGE_GATEWAY_ENDPOINT", "STORAGE_GATEWAY_ACCESS_KEY", "STORAGE_GATEWAY_SECRET_KEY_FILE", "STORAGE_GATEWAY_BUCKET_PREFIX",
            "STORAGE_GATEWAY_TIMEOUT", "STORAGE_GATEWAY_MAX_RETRIES", "STORAGE_GATEWAY_PART_SIZE", "STORAGE_GATEWAY_PATH_STYLE",
        ];
        Assert.Equal(mentioned.Length, error.Errors.Count);
        Assert.All(mentioned, name => Assert.Contains(error.Errors, e => e.Contains(name, StringComparison.Ordinal)));
    }

    [Fact]
    public void Unreadable_secret_file_and_invalid_bucket_are_errors()
    {
        var error = Assert.Throws<S3GatewayConfigurationException>(() => S3GatewayOptions.FromEnvironment(Env(
            ("STORAGE_GATEWAY_ENDPOINT", "http://localhost:7480"),
            ("STORAGE_GATEWAY_ACCESS_KEY", "ak"),
            ("STORAGE_GATEWAY_SECRET_KEY_FILE", "/missing"),
            ("STORAGE_GATEWAY_BUCKET", "Not_A_Bucket"),
            ("STORAGE_GATEWAY_CA_FILE", "/ca.pem")), _ => throw new FileNotFoundException("no such file")));
        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("/missing", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("STORAGE_GATEWAY_BUCKET", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("STORAGE_GATEWAY_CA_FILE", StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_only_with_an_endpoint()
    {
        Assert.False(S3GatewayOptions.IsConfigured(Env()));
        Assert.True(S3GatewayOptions.IsConfigured(Env(("STORAGE_GATEWAY_ENDPOINT", "http://x"))));
    }
}
