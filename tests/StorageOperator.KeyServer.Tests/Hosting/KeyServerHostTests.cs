using System.Net;
using StorageOperator.KeyServer.Configuration;
using StorageOperator.KeyServer.Hosting;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Hosting;

public sealed class KeyServerHostTests
{
    [Theory]
    [InlineData("0.0.0.0:7373", "0.0.0.0", 7373)]
    [InlineData(":7373", "0.0.0.0", 7373)]
    [InlineData("localhost:9", "127.0.0.1", 9)]
    [InlineData("[::1]:7373", "::1", 7373)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    public void Parses_KES_addresses(string address, string ip, int port)
    {
        var endpoint = KeyServerHost.ParseAddress(address);
        Assert.Equal(IPAddress.Parse(ip), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("7373")]
    [InlineData("example.com:7373")]
    [InlineData("127.0.0.1:99999")]
    public void Rejects_other_addresses(string address) =>
        Assert.Throws<ConfigException>(() => KeyServerHost.ParseAddress(address));

    [Fact]
    public async Task Starts_from_a_config_object_with_an_address_override_and_creates_startup_keys()
    {
        var config = ConfigParser.Parse(ConfigYaml.Build(extra: "keys:\n- name: boot-key\n"), _ => null) with { Address = "10.255.255.1:1" };
        await using var host = await KeyServerHost.StartAsync(new KeyServerOptions { Config = config, Address = "127.0.0.1:0" }, CancellationToken.None);
        Assert.Equal("127.0.0.1", host.Address.Host);
        Assert.NotEqual(0, host.Address.Port);
        using var admin = TestServer.CreateClient(host.Address, TestPki.Instance.Admin);
        var described = await (await admin.Send("GET", "/v1/key/describe/boot-key")).Json();
        Assert.Equal("boot-key", described.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_missing_server_certificate_fails_the_start()
    {
        var config = ConfigParser.Parse(ConfigYaml.Build(), _ => null);
        config = config with { Tls = config.Tls with { CertificatePath = "/nonexistent/server.cert" } };
        await Assert.ThrowsAnyAsync<IOException>(() => KeyServerHost.StartAsync(new KeyServerOptions { Config = config }, CancellationToken.None));
    }
}
