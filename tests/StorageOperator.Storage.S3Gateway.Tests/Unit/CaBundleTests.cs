using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Unit;

/// <summary>STORAGE_GATEWAY_CA_FILE: the backend's certificate is trusted through the given bundle only.</summary>
public sealed class CaBundleTests : IDisposable
{
    private const string EmptyBucketList =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + "<Owner><ID>o</ID><DisplayName>o</DisplayName></Owner><Buckets></Buckets></ListAllMyBucketsResult>";

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-ca-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Backend_certificate_from_the_bundle_is_trusted_and_others_are_not()
    {
        var (ca, leaf) = IssueCertificates("Backend Test CA");
        var (otherCa, _) = IssueCertificates("Unrelated CA");
        await using var server = new FakeHttpServer(200, EmptyBucketList, leaf);

        var trusted = Path.Combine(_directory, "ca.pem");
        await File.WriteAllTextAsync(trusted, ca.ExportCertificatePem());
        using (var gateway = Gateway(server.Endpoint, trusted))
        {
            Assert.Null(await gateway.ProbeAsync(CancellationToken.None));
            Assert.Empty(await gateway.ListBucketsAsync(CancellationToken.None));
        }

        var wrong = Path.Combine(_directory, "other.pem");
        await File.WriteAllTextAsync(wrong, otherCa.ExportCertificatePem());
        using (var gateway = Gateway(server.Endpoint, wrong))
        {
            Assert.NotNull(await gateway.ProbeAsync(CancellationToken.None));
            var error = await Assert.ThrowsAsync<StorageException>(() => gateway.ListBucketsAsync(CancellationToken.None));
            Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
        }
    }

    private static S3GatewayBackend Gateway(Uri endpoint, string caFile) => new(new S3GatewayOptions
    {
        Endpoint = endpoint,
        AccessKey = "ak",
        SecretKey = "sk",
        CaFile = caFile,
        MaxRetries = 0,
        Timeout = TimeSpan.FromSeconds(10),
    });

    private static (X509Certificate2 Ca, X509Certificate2 Leaf) IssueCertificates(string caName)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = leafRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        var leaf = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(leafKey).Export(X509ContentType.Pkcs12), null);
        return (ca, leaf);
    }
}
