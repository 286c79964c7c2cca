using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Tls.Tests.Support;

/// <summary>One CA per test run is enough; ECDSA generation is cheap but the chain checks want a shared root.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LazyCa =
        new(() => CertificateGenerator.CreateCertificateAuthority("Tls Tests CA", TimeSpan.FromDays(2)));

    public static X509Certificate2 Ca => LazyCa.Value;

    public static X509Certificate2 Server(params string[] hosts) =>
        CertificateGenerator.CreateServerCertificate(Ca, hosts, TimeSpan.FromDays(1));

    public static void WritePair(X509Certificate2 cert, string directory)
    {
        PemFiles.WriteCertificateAndKey(cert, Path.Combine(directory, "public.crt"), Path.Combine(directory, "private.key"));
    }

    /// <summary>Validates <paramref name="leaf"/> against <paramref name="root"/> only, for the given EKU.</summary>
    public static (bool Valid, X509ChainStatusFlags Status) Verify(X509Certificate2 leaf, X509Certificate2 root, string ekuOid, IEnumerable<X509Certificate2>? extra = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ekuOid));
        foreach (var cert in extra ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(cert);
        }

        var valid = chain.Build(leaf);
        var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (acc, s) => acc | s.Status);
        return (valid, status);
    }

    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
}
