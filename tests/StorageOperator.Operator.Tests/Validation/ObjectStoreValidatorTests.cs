using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Operator.Validation;
using Xunit;

namespace StorageOperator.Operator.Tests.Validation;

public sealed class ObjectStoreValidatorTests
{
    [Fact]
    public void Minimal_spec_is_valid()
    {
        Assert.Empty(ObjectStoreValidator.Validate(Samples.ValidObjectStore()));
    }

    [Fact]
    public void Reports_every_problem_at_once_with_field_paths()
    {
        var store = Samples.ValidObjectStore(new string('a', 60));
        store.Spec.Replicas = 0;
        store.Spec.Tls = new TlsSpec { Mode = TlsMode.CertManager, SelfSignedCA = new SelfSignedCaTls { Duration = "90d" } };
        store.Spec.Encryption = new EncryptionSpec { KeyServerRef = new KeyServerReference { Name = "Bad_Name" }, KeyName = "" };
        store.Spec.Storage = new StorageSpec
        {
            Volume = new VolumeStorage { Size = "lots", AccessModes = ["ReadWriteSometimes"] },
            S3Gateway = new S3GatewayStorage { Endpoint = "ftp://x", Bucket = "B", CredentialsSecretRef = new GatewayCredentialsReference { Name = "c" } },
        };

        var paths = ObjectStoreValidator.Validate(store).Select(e => e.Path).ToList();

        Assert.Equal(
            [
                "metadata.name",
                "spec.replicas",
                "spec.tls.selfSignedCA",
                "spec.tls.selfSignedCA.duration",
                "spec.tls.certManager",
                "spec.encryption.keyServerRef.name",
                "spec.encryption.keyName",
                "spec.storage",
                "spec.storage.volume.size",
                "spec.storage.volume.accessModes[0]",
                "spec.storage.s3Gateway.endpoint",
                "spec.storage.s3Gateway.bucket",
            ],
            paths);
    }

    [Theory]
    [InlineData("2160h", "720h", true)]
    [InlineData("1h30m", "10m", true)]
    [InlineData("720h", "720h", false)]
    [InlineData("10x", null, false)]
    public void Certificate_lifetimes_are_go_durations_and_renewal_precedes_expiry(string duration, string? renewBefore, bool valid)
    {
        var store = Samples.ValidObjectStore();
        store.Spec.Tls = new TlsSpec { SelfSignedCA = new SelfSignedCaTls { Duration = duration, RenewBefore = renewBefore } };
        Assert.Equal(valid, ObjectStoreValidator.Validate(store).Count == 0);
    }

    [Fact]
    public void External_mode_needs_a_secret_and_cert_manager_key_sizes_match_the_algorithm()
    {
        var store = Samples.ValidObjectStore();
        store.Spec.Tls = new TlsSpec { Mode = TlsMode.External, External = new ExternalTls() };
        Assert.Equal(["spec.tls.external.secretRefs"], ObjectStoreValidator.Validate(store).Select(e => e.Path));

        store.Spec.Tls = new TlsSpec
        {
            Mode = TlsMode.CertManager,
            CertManager = new CertManagerTls
            {
                IssuerRef = new IssuerReference { Name = "ca" },
                Duration = "30m",
                PrivateKey = new PrivateKeySpec { Algorithm = PrivateKeyAlgorithm.Rsa, Size = 1024 },
            },
        };
        Assert.Equal(["spec.tls.certManager.duration", "spec.tls.certManager.privateKey.size"], ObjectStoreValidator.Validate(store).Select(e => e.Path));
    }

    [Fact]
    public void Gateway_storage_alone_is_valid_and_extra_names_are_checked()
    {
        var store = Samples.ValidObjectStore();
        store.Spec.Storage = new StorageSpec
        {
            S3Gateway = new S3GatewayStorage { Endpoint = "https://s3.example.com:9000", Bucket = "data", CredentialsSecretRef = new GatewayCredentialsReference { Name = "up" } },
        };
        store.Spec.Tls = new TlsSpec { SelfSignedCA = new SelfSignedCaTls { ExtraDnsNames = ["*.s3.example.com", "bad name"], ExtraIps = ["10.1.2.3", "999.1.1.1"] } };
        Assert.Equal(["spec.tls.selfSignedCA.extraDNSNames[1]", "spec.tls.selfSignedCA.extraIPs[1]"], ObjectStoreValidator.Validate(store).Select(e => e.Path));
    }
}
