using System.Collections;
using StorageOperator.Crypto.Kms;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

public sealed class KmsConfigurationTests : IDisposable
{
    private const string Secret = "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";
    private const string OtherSecret = "ours:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private readonly string _directory = Directory.CreateTempSubdirectory("kms-config-").FullName;

    private KmsConfiguration Load(params (string Name, string Value)[] variables)
    {
        var environment = new Hashtable();
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return KmsConfiguration.FromEnvironment(environment, Path.Combine(_directory, "certs"), Path.Combine(_directory, "secrets"));
    }

    [Fact]
    public void Nothing_configured_means_no_kms()
    {
        var config = Load();
        Assert.Equal(KmsBackend.None, config.Backend);
        Assert.Null(config.CreateClient());
        Assert.False(config.AutoEncryption);
    }

    [Fact]
    public void Static_key_from_minio_alias_and_ours_wins()
    {
        var alias = Load(("MINIO_KMS_SECRET_KEY", Secret));
        Assert.Equal(KmsBackend.StaticKey, alias.Backend);
        Assert.Equal("my-key", alias.DefaultKeyId);

        var both = Load(("MINIO_KMS_SECRET_KEY", Secret), ("STORAGE_KMS_SECRET_KEY", OtherSecret));
        Assert.Equal("ours", both.DefaultKeyId);
        using var client = (StaticKeyKms)both.CreateClient()!;
        Assert.Equal("ours", client.DefaultKeyId);
        Assert.DoesNotContain("AAAA", both.ToString());
    }

    [Fact]
    public void Static_key_from_a_file_relative_names_under_the_secrets_folder()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "secrets"));
        File.WriteAllText(Path.Combine(_directory, "secrets", "kms"), Secret + "\n");
        Assert.Equal("my-key", Load(("STORAGE_KMS_SECRET_KEY_FILE", "kms")).DefaultKeyId);

        var absolute = Path.Combine(_directory, "abs-secret");
        File.WriteAllText(absolute, OtherSecret);
        Assert.Equal("ours", Load(("MINIO_KMS_SECRET_KEY_FILE", absolute)).DefaultKeyId);

        // A missing file is ignored, as MinIO does for its Docker image default.
        Assert.Equal(KmsBackend.None, Load(("MINIO_KMS_SECRET_KEY_FILE", "does-not-exist")).Backend);
    }

    [Fact]
    public void Invalid_static_key_is_a_clear_error_without_the_secret()
    {
        var e = Assert.Throws<KmsConfigurationException>(() => Load(("STORAGE_KMS_SECRET_KEY", "k:c2hvcnQ=")));
        Assert.Contains("STORAGE_KMS_SECRET_KEY", e.Message);
        Assert.DoesNotContain("c2hvcnQ", e.Message);
    }

    [Fact]
    public void Kes_settings_with_aliases_and_default_ca_path()
    {
        var config = Load(
            ("MINIO_KMS_KES_ENDPOINT", "https://kes1:7373, kes{1...3}.example.com:7373"),
            ("MINIO_KMS_KES_KEY_NAME", "minio-key"),
            ("STORAGE_KMS_KES_KEY_NAME", "our-key"),
            ("MINIO_KMS_KES_CERT_FILE", "/c/client.crt"),
            ("MINIO_KMS_KES_KEY_FILE", "/c/client.key"),
            ("STORAGE_KMS_AUTO_ENCRYPTION", "on"));

        Assert.Equal(KmsBackend.Kes, config.Backend);
        Assert.True(config.AutoEncryption);
        var kes = config.Kes!;
        Assert.Equal("our-key", kes.DefaultKeyName);
        Assert.Equal(
            ["https://kes1:7373/", "https://kes1.example.com:7373/", "https://kes2.example.com:7373/", "https://kes3.example.com:7373/"],
            kes.Endpoints.Select(e => e.ToString()));
        Assert.Equal(Path.Combine(_directory, "certs", "CAs"), kes.CaPath);
        Assert.Equal("/c/client.crt", kes.ClientCertificateFile);

        var explicitCa = Load(
            ("STORAGE_KMS_KES_ENDPOINT", "https://kes:7373"), ("STORAGE_KMS_KES_KEY_NAME", "k"),
            ("STORAGE_KMS_KES_CERT_FILE", "c"), ("STORAGE_KMS_KES_KEY_FILE", "k"), ("MINIO_KMS_KES_CAPATH", "/ca.pem"));
        Assert.Equal("/ca.pem", explicitCa.Kes!.CaPath);
    }

    [Fact]
    public void Ellipsis_keeps_zero_padding() =>
        Assert.Equal(["https://kes08/", "https://kes09/", "https://kes10/"], KmsConfiguration.ParseEndpoints("kes{08...10}").Select(u => u.ToString()));

    [Theory]
    [InlineData("STORAGE_KMS_KES_KEY_NAME")]
    [InlineData("STORAGE_KMS_KES_CERT_FILE")]
    [InlineData("STORAGE_KMS_KES_KEY_FILE")]
    public void Kes_requires_key_name_cert_and_key(string missing)
    {
        var variables = new[]
        {
            ("STORAGE_KMS_KES_ENDPOINT", "https://kes:7373"), ("STORAGE_KMS_KES_KEY_NAME", "k"),
            ("STORAGE_KMS_KES_CERT_FILE", "c"), ("STORAGE_KMS_KES_KEY_FILE", "k"),
        }.Where(v => v.Item1 != missing).ToArray();
        var e = Assert.Throws<KmsConfigurationException>(() => Load(variables));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Exactly_one_backend()
    {
        var e = Assert.Throws<KmsConfigurationException>(() => Load(
            ("MINIO_KMS_SECRET_KEY", Secret), ("STORAGE_KMS_KES_ENDPOINT", "https://kes:7373"), ("STORAGE_KMS_KES_KEY_NAME", "k")));
        Assert.Contains("Exactly one", e.Message);
    }

    [Fact]
    public void Auto_encryption_needs_a_kms_and_a_boolean()
    {
        Assert.Contains("requires a valid KMS", Assert.Throws<KmsConfigurationException>(() => Load(("MINIO_KMS_AUTO_ENCRYPTION", "on"))).Message);
        Assert.Throws<KmsConfigurationException>(() => Load(("STORAGE_KMS_SECRET_KEY", Secret), ("STORAGE_KMS_AUTO_ENCRYPTION", "maybe")));
        Assert.False(Load(("STORAGE_KMS_SECRET_KEY", Secret), ("STORAGE_KMS_AUTO_ENCRYPTION", "off"), ("MINIO_KMS_AUTO_ENCRYPTION", "on")).AutoEncryption);
        Assert.False(Load(("MINIO_KMS_AUTO_ENCRYPTION", "disabled")).AutoEncryption);
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("enabled", true)]
    [InlineData("off", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("disabled", false)]
    [InlineData("nope", null)]
    [InlineData("yes", null)]
    public void Bool_words(string text, bool? expected) => Assert.Equal(expected, KmsConfiguration.ParseBool(text));

    [Fact]
    public void Unsupported_minio_variables_are_refused() =>
        Assert.Contains("KMS_KES_API_KEY", Assert.Throws<KmsConfigurationException>(() => Load(("MINIO_KMS_KES_API_KEY", "kes:v1:x"))).Message);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
