using System.Security.Cryptography.X509Certificates;
using StorageOperator.KeyServer.Identities;
using StorageOperator.Tls;

namespace StorageOperator.KeyServer.Tests.Infrastructure;

/// <summary>One CA, a server certificate for 127.0.0.1, and three clients, written as PEM once per test run.</summary>
public sealed class TestPki
{
    private static readonly Lazy<TestPki> Shared = new(() => new TestPki());

    private TestPki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "key-server-tests-pki-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        Ca = CertificateGenerator.CreateCertificateAuthority("key-server test CA", TimeSpan.FromDays(2));
        CaPath = Path.Combine(Directory, "ca.cert");
        PemFiles.WriteCertificateAndKey(Ca, CaPath, Path.Combine(Directory, "ca.key"));
        using var server = CertificateGenerator.CreateServerCertificate(Ca, ["127.0.0.1", "localhost"], TimeSpan.FromDays(1));
        ServerCertPath = Path.Combine(Directory, "server.cert");
        ServerKeyPath = Path.Combine(Directory, "server.key");
        PemFiles.WriteCertificateAndKey(server, ServerCertPath, ServerKeyPath);
        Admin = Client("admin");
        App = Client("app");
        Other = Client("other");
    }

    public static TestPki Instance => Shared.Value;

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    public string ServerCertPath { get; }

    public string ServerKeyPath { get; }

    public X509Certificate2 Admin { get; }

    public X509Certificate2 App { get; }

    /// <summary>A valid certificate whose identity is in no policy.</summary>
    public X509Certificate2 Other { get; }

    public static string IdentityOf(X509Certificate2 cert) => Identity.Of(cert);

    public X509Certificate2 Client(string name)
    {
        var cert = CertificateGenerator.CreateClientCertificate(Ca, name, TimeSpan.FromDays(1));
        PemFiles.WriteCertificateAndKey(cert, Path.Combine(Directory, $"client-{name}.cert"), Path.Combine(Directory, $"client-{name}.key"));
        return cert;
    }
}
