using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Tls;

namespace StorageOperator.TestCommon;

/// <summary>A test CA that issues server certificates into MinIO-style certs folders, and clients that trust it.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates(string commonName = "Storage Operator Test CA")
    {
        Authority = CertificateGenerator.CreateCertificateAuthority(commonName, TimeSpan.FromDays(2));
    }

    public X509Certificate2 Authority { get; }

    /// <summary>Writes public.crt / private.key for <paramref name="hosts"/> into <paramref name="directory"/>; returns the leaf.</summary>
    public X509Certificate2 IssueServerCertificate(string directory, params string[] hosts)
    {
        Directory.CreateDirectory(directory);
        var leaf = CertificateGenerator.CreateServerCertificate(Authority, hosts.Length == 0 ? ["127.0.0.1", "localhost"] : hosts, TimeSpan.FromDays(1));
        File.WriteAllText(Path.Combine(directory, "public.crt"), PemFiles.ExportCertificate(leaf));
        File.WriteAllText(Path.Combine(directory, "private.key"), PemFiles.ExportPrivateKey(leaf));
        return leaf;
    }

    /// <summary>Writes the CA certificate as PEM (for AWS_CA_BUNDLE and the like) and returns the path.</summary>
    public string WriteAuthorityPem(string path)
    {
        File.WriteAllText(path, PemFiles.ExportCertificate(Authority));
        return path;
    }

    /// <summary>Validates a server certificate against this CA only.</summary>
    public bool Validate(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var cert = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(cert);
    }

    public SocketsHttpHandler CreateHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => Validate(cert) },
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    };

    public HttpClient CreateHttpClient() => new(CreateHandler()) { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => Authority.Dispose();
}
