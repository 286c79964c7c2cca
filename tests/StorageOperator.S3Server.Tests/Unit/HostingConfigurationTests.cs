using System.Net;
using StorageOperator.S3Server.Cli;
using StorageOperator.S3Server.Hosting;

namespace StorageOperator.S3Server.Tests.Unit;

public sealed class HostingConfigurationTests
{
    private static Credentials Load(Dictionary<string, string> env, Dictionary<string, string>? files, List<string> warnings) =>
        CredentialsLoader.Load(n => env.GetValueOrDefault(n), p => files?.GetValueOrDefault(p), warnings);

    [Fact]
    public void Our_variables_win_over_minio_aliases()
    {
        var warnings = new List<string>();
        var c = Load(new() { ["STORAGE_ROOT_USER"] = "ours", ["STORAGE_ROOT_PASSWORD"] = "ours-password", ["MINIO_ROOT_USER"] = "minio", ["MINIO_ROOT_PASSWORD"] = "minio-password" }, null, warnings);
        Assert.Equal(new Credentials("ours", "ours-password"), c);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Minio_root_and_legacy_names_are_honoured_legacy_with_a_warning()
    {
        var warnings = new List<string>();
        Assert.Equal(new Credentials("mroot", "mroot-password"), Load(new() { ["MINIO_ROOT_USER"] = "mroot", ["MINIO_ROOT_PASSWORD"] = "mroot-password" }, null, warnings));
        Assert.Empty(warnings);
        Assert.Equal(new Credentials("legacy", "legacy-secret"), Load(new() { ["MINIO_ACCESS_KEY"] = "legacy", ["MINIO_SECRET_KEY"] = "legacy-secret" }, null, warnings));
        Assert.Contains(warnings, w => w.Contains("deprecated", StringComparison.Ordinal));
    }

    [Fact]
    public void File_variants_are_read_and_trimmed_including_docker_secrets()
    {
        var warnings = new List<string>();
        var c = Load(new() { ["STORAGE_ROOT_USER_FILE"] = "/etc/user", ["STORAGE_ROOT_PASSWORD_FILE"] = "pw" },
            new() { ["/etc/user"] = " fileuser\n", ["/run/secrets/pw"] = "file-password\n" }, warnings);
        Assert.Equal(new Credentials("fileuser", "file-password"), c);
    }

    [Fact]
    public void Half_a_pair_is_fatal_and_nothing_set_means_loud_defaults()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(new() { ["MINIO_ROOT_USER"] = "only" }, null, []));
        Assert.Contains("MINIO_ROOT_PASSWORD", e.Message);
        var warnings = new List<string>();
        Assert.Equal(new Credentials("minioadmin", "minioadmin"), Load([], null, warnings));
        Assert.Contains(warnings, w => w.Contains("default", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-value", new Credentials("user", "secret-value").ToString());
    }

    [Theory]
    [InlineData(":9000", "0.0.0.0", 9000)]
    [InlineData("9000", "0.0.0.0", 9000)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("[::1]:9001", "::1", 9001)]
    public void Addresses_parse_like_minio(string address, string ip, int port) =>
        Assert.Equal(new IPEndPoint(IPAddress.Parse(ip), port), S3ServerOptions.ParseAddress(address));

    [Theory]
    [InlineData("host.example:9000")]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("127.0.0.1:70000")]
    public void Bad_addresses_are_configuration_errors(string address) =>
        Assert.Throws<ConfigurationException>(() => S3ServerOptions.ParseAddress(address));

    [Fact]
    public void Server_command_line()
    {
        var cli = ServerCommandLine.Parse(["/data", "--address", "127.0.0.1:9000", "--certs-dir=/certs", "--domain", "s3.local"]);
        Assert.Equal(new ServerCommandLine("/data", "127.0.0.1:9000", "/certs", "s3.local"), cli);
        Assert.Equal(":9000", ServerCommandLine.Parse(["/d"]).Address);
        Assert.Throws<ConfigurationException>(() => ServerCommandLine.Parse([]));
        Assert.Throws<ConfigurationException>(() => ServerCommandLine.Parse(["/d", "--bogus"]));
        Assert.Throws<ConfigurationException>(() => ServerCommandLine.Parse(["/d", "/e"]));
    }
}
