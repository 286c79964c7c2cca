using StorageOperator.KeyServer.Configuration;

namespace StorageOperator.KeyServer.Tests.Configuration;

public sealed class ConfigParserTests
{
    private static readonly string IdA = new('a', 64);
    private static readonly string IdB = new('b', 64);

    private static KeyServerConfig Parse(string yaml, Dictionary<string, string>? env = null) =>
        ConfigParser.Parse(yaml, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Parses_the_KES_shape()
    {
        var config = Parse($"""
            version: v1
            address: 0.0.0.0:7373
            admin:
              identity: {IdA}
            tls:
              key: ./server.key
              cert: ./server.cert
              auth: on
              ca: ./ca
            cache:
              expiry:
                any: 5m
            api:
              /v1/metrics:
                skip_auth: true
                timeout: 30s
            policy:
              minio:
                allow:
                - /v1/key/generate/minio-*
                deny:
                - /v1/key/delete/*
                identities:
                - {IdB.ToUpperInvariant()}
            log:
              error: off
              audit: on
              audit_file: /var/log/kes-audit.log
            keys:
            - name: minio-key
            keystore:
              fs:
                path: ./keys
                root_key_file: ./root.key
            """);
        Assert.Equal("0.0.0.0:7373", config.Address);
        Assert.Equal(IdA, config.AdminIdentity);
        Assert.True(config.Tls.VerifyClientCertificates);
        Assert.Equal("./ca", config.Tls.CaPath);
        Assert.Equal(new ApiRouteConfig(true, TimeSpan.FromSeconds(30)), config.Api["/v1/metrics"]);
        Assert.Equal(["/v1/key/generate/minio-*"], config.Policies["minio"].Allow);
        Assert.Equal([IdB], config.Policies["minio"].Identities);
        Assert.False(config.Log.Error);
        Assert.True(config.Log.Audit);
        Assert.Equal("/var/log/kes-audit.log", config.Log.AuditFile);
        Assert.Equal(["minio-key"], config.Keys);
        Assert.Equal(new FileSystemKeyStoreConfig("./keys", null, "./root.key"), config.KeyStore);
    }

    [Fact]
    public void Defaults_are_admin_off_in_memory_keystore_and_error_log_on()
    {
        var config = Parse("address: 127.0.0.1:7373\n");
        Assert.Null(config.AdminIdentity);
        Assert.IsType<MemoryKeyStoreConfig>(config.KeyStore);
        Assert.True(config.Log.Error);
        Assert.False(config.Log.Audit);
        Assert.False(config.Tls.VerifyClientCertificates);
    }

    [Fact]
    public void Environment_references_are_substituted_anywhere_in_a_scalar()
    {
        var config = Parse("""
            address: ${HOST}:${PORT}
            admin:
              identity: ${ADMIN}
            keystore:
              fs:
                path: ${DATA}/keys
                root_key: ${ROOT_KEY}
            """, new() { ["HOST"] = "127.0.0.1", ["PORT"] = "7000", ["ADMIN"] = IdA, ["DATA"] = "/data", ["ROOT_KEY"] = "k" });
        Assert.Equal("127.0.0.1:7000", config.Address);
        Assert.Equal(IdA, config.AdminIdentity);
        Assert.Equal(new FileSystemKeyStoreConfig("/data/keys", "k", null), config.KeyStore);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var e = Assert.Throws<ConfigException>(() => Parse($$"""
            version: v2
            address: ${UNSET_VAR}
            bogus: 1
            api:
              /v1/key/create/:
                skip_auth: true
            policy:
              p1:
                identities: [{{IdA}}, not-an-identity]
              p2:
                identities: [{{IdA}}]
            keys:
            - name: bad/name
            keystore:
              vault: {}
            """));
        Assert.Contains("version: unsupported version 'v2'", e.Errors);
        Assert.Contains("address: environment variable 'UNSET_VAR' is not set", e.Errors);
        Assert.Contains("unknown field 'bogus'", e.Errors);
        Assert.Contains(e.Errors, m => m.StartsWith("api: '/v1/key/create/' cannot be configured", StringComparison.Ordinal));
        Assert.Contains("policy.p1.identities: 'not-an-identity' is not an identity (64 hex digits)", e.Errors);
        Assert.Contains($"policy.p2.identities: '{IdA}' is already assigned to policy 'p1'", e.Errors);
        Assert.Contains("keys: invalid key name 'bad/name'", e.Errors);
        Assert.Contains(e.Errors, m => m.StartsWith("keystore: 'vault' is not supported", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("")]
    [InlineData("abc")]
    public void A_non_identity_admin_value_disables_the_admin(string value) =>
        Assert.Null(Parse($"admin:\n  identity: \"{value}\"\n").AdminIdentity);

    [Fact]
    public void The_fs_keystore_needs_exactly_one_root_key_source()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("keystore:\n  fs:\n    path: ./k\n"));
        Assert.Contains("keystore.fs: exactly one of root_key and root_key_file is required", e.Errors);
    }

    [Fact]
    public void Yaml_syntax_errors_are_config_errors() =>
        Assert.Throws<ConfigException>(() => Parse("address: [unclosed"));

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    public void Go_durations(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("15")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("")]
    public void Bad_durations(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
