extern alias keyserver;

using keyserver::StorageOperator.KeyServer.Configuration;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Resources;
using Xunit;

namespace StorageOperator.Operator.Tests.Resources;

/// <summary>The config the operator writes is parsed by the key server's own parser: no drift between the two.</summary>
public sealed class KeyServerConfigYamlTests
{
    private static readonly string Identity = new('a', 64);

    [Fact]
    public void Rendered_config_parses_with_the_policies_keystore_and_probe_route()
    {
        var spec = new KeyServerSpec { Keystore = new KeystoreSpec { Fs = new FsKeystore { Size = "1Gi" } } };
        var yaml = KeyServerConfigYaml.Render(spec,
        [
            KeyServerPolicyEntry.ForStore(Names.StorePolicy("ns", "store"), "store-key", [Identity]),
            new KeyServerPolicyEntry("app", ["/v1/key/generate/app-*"], ["/v1/key/delete/*"], []),
        ]);

        var config = ConfigParser.Parse(yaml, _ => null);
        Assert.Null(config.AdminIdentity);
        Assert.Equal("0.0.0.0:7373", config.Address);
        var policy = config.Policies["objectstore-ns-store"];
        Assert.Equal(["/v1/key/create/store-key", "/v1/key/generate/store-key", "/v1/key/decrypt/store-key", "/v1/status"], policy.Allow);
        Assert.Equal([Identity], policy.Identities);
        Assert.Equal(["/v1/key/delete/*"], config.Policies["app"].Deny);
        var fs = Assert.IsType<FileSystemKeyStoreConfig>(config.KeyStore);
        Assert.Equal("/data/keys", fs.Path);
        Assert.True(config.Api.ContainsKey("/v1/ready"));
    }

    [Fact]
    public void Without_policies_and_with_a_memory_keystore_it_still_parses()
    {
        var config = ConfigParser.Parse(KeyServerConfigYaml.Render(new KeyServerSpec { Keystore = new KeystoreSpec { Memory = new MemoryKeystore() } }, []), _ => null);
        Assert.Empty(config.Policies);
        Assert.IsType<MemoryKeyStoreConfig>(config.KeyStore);
    }

    [Fact]
    public void The_base_does_not_depend_on_policies_so_admitting_a_store_does_not_roll_pods()
    {
        var spec = new KeyServerSpec { Keystore = new KeystoreSpec { Memory = new MemoryKeystore() } };
        var withPolicy = KeyServerConfigYaml.Render(spec, [KeyServerPolicyEntry.ForStore("p", "k", [Identity])]);
        Assert.StartsWith(KeyServerConfigYaml.Base(spec), withPolicy);
        Assert.DoesNotContain("policy", KeyServerConfigYaml.Base(spec));
    }

    [Theory]
    [InlineData("ns", "store", "objectstore-ns-store")]
    [InlineData("team.a", "my.store", "objectstore-team-a-my-store")]
    public void Store_policy_names_follow_the_key_servers_naming_rule(string ns, string name, string expected)
    {
        Assert.Equal(expected, Names.StorePolicy(ns, name));
    }

    [Fact]
    public void Long_store_policy_names_are_shortened_with_a_hash_and_stay_unique()
    {
        var a = Names.StorePolicy(new string('n', 60), new string('s', 50));
        var b = Names.StorePolicy(new string('n', 60), new string('s', 49) + "t");
        Assert.True(a.Length <= 80);
        Assert.NotEqual(a, b);
        Assert.True(keyserver::StorageOperator.KeyServer.Keys.KeyName.IsValid(a));
    }
}
