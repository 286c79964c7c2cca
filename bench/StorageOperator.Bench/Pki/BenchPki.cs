using System.Security.Cryptography.X509Certificates;
using StorageOperator.Tls;

namespace StorageOperator.Bench.Pki;

/// <summary>
/// A throw-away CA with the certificates of one run: the storage server's (a MinIO-style certs folder), the key
/// server's, and the client certificate the storage server presents to the key server (mTLS).
/// </summary>
public sealed class BenchPki : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(1);
    private static readonly string[] LoopbackHosts = ["127.0.0.1", "localhost"];

    private BenchPki(string root, X509Certificate2 ca, X509Certificate2 server, X509Certificate2 kmsClient)
    {
        Root = root;
        Ca = ca;
        ServerCertificate = server;
        KmsClientCertificate = kmsClient;
    }

    public string Root { get; }

    public X509Certificate2 Ca { get; }

    /// <summary>Serves both the storage server and the key server: both listen on 127.0.0.1.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2 KmsClientCertificate { get; }

    public string CaFile => Path.Combine(Root, "ca.crt");

    /// <summary>The storage server's <c>--certs-dir</c>: <c>public.crt</c>, <c>private.key</c>, <c>CAs/</c>.</summary>
    public string StorageCertsDir => Path.Combine(Root, "storage-certs");

    public string KeyServerCertFile => Path.Combine(Root, "key-server", "server.crt");

    public string KeyServerKeyFile => Path.Combine(Root, "key-server", "server.key");

    public string KmsClientCertFile => Path.Combine(Root, "kms-client", "client.crt");

    public string KmsClientKeyFile => Path.Combine(Root, "kms-client", "client.key");

    public static BenchPki Create(string root)
    {
        var ca = CertificateGenerator.CreateCertificateAuthority("storage-bench CA", Validity);
        var server = CertificateGenerator.CreateServerCertificate(ca, LoopbackHosts, Validity);
        var client = CertificateGenerator.CreateClientCertificate(ca, "storage-server", Validity);
        var pki = new BenchPki(root, ca, server, client);
        Directory.CreateDirectory(Path.Combine(pki.StorageCertsDir, "CAs"));
        File.WriteAllText(pki.CaFile, PemFiles.ExportCertificate(ca));
        File.WriteAllText(Path.Combine(pki.StorageCertsDir, "CAs", "ca.crt"), PemFiles.ExportCertificate(ca));
        PemFiles.WriteCertificateAndKey(server, Path.Combine(pki.StorageCertsDir, "public.crt"), Path.Combine(pki.StorageCertsDir, "private.key"));
        PemFiles.WriteCertificateAndKey(server, pki.KeyServerCertFile, pki.KeyServerKeyFile);
        PemFiles.WriteCertificateAndKey(client, pki.KmsClientCertFile, pki.KmsClientKeyFile);
        return pki;
    }

    public void Dispose()
    {
        Ca.Dispose();
        ServerCertificate.Dispose();
        KmsClientCertificate.Dispose();
    }
}
