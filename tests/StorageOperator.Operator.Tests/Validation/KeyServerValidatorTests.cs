using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Operator.Validation;
using Xunit;

namespace StorageOperator.Operator.Tests.Validation;

public sealed class KeyServerValidatorTests
{
    [Fact]
    public void Minimal_spec_is_valid()
    {
        Assert.Empty(KeyServerValidator.Validate(Samples.ValidKeyServer()));
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var server = Samples.ValidKeyServer();
        server.Spec.Replicas = 17;
        server.Spec.Tls = new TlsSpec { Mode = TlsMode.Disabled };
        server.Spec.Keystore = new KeystoreSpec { Memory = new MemoryKeystore(), Fs = new FsKeystore { Size = "0" } };
        server.Spec.Policies =
        [
            new KeyServerPolicy { Name = "apps", Allow = ["/v1/key/generate/*"], Identities = [new string('a', 64)] },
            new KeyServerPolicy { Name = "apps", Deny = ["key/*"], Identities = ["not-hex"] },
        ];
        server.Spec.RootKeySecretRef = new SecretKeyReference { Name = "root", Key = "" };

        var paths = KeyServerValidator.Validate(server).Select(e => e.Path).ToList();

        Assert.Equal(
            [
                "spec.replicas",
                "spec.tls.mode",
                "spec.keystore",
                "spec.keystore.fs.size",
                "spec.policies[1].name",
                "spec.policies[1].deny[0]",
                "spec.policies[1].identities[0]",
                "spec.rootKeySecretRef.key",
            ],
            paths);
    }

    [Theory]
    [InlineData("2160h", 2160 * 3600d)]
    [InlineData("1h30m", 5400d)]
    [InlineData("1.5h", 5400d)]
    [InlineData("250ms", 0.25)]
    public void Go_durations_parse(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("90d")]
    [InlineData("h")]
    [InlineData("-1h")]
    public void Invalid_go_durations_are_rejected(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }
}
