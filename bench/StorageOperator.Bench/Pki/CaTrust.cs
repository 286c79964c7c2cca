using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Bench.Pki;

/// <summary>
/// Server-certificate validation against the bench's own CA only, with the host name still checked: the client does
/// the same TLS work a client trusting a real CA does, without touching the machine's trust store.
/// </summary>
public static class CaTrust
{
    public static RemoteCertificateValidationCallback Callback(X509Certificate2 ca) =>
        (_, certificate, _, errors) => Validate(ca, certificate, errors);

    public static bool Validate(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
