using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Tls;

/// <summary>KES identities: lowercase hex SHA-256 of the certificate's DER SubjectPublicKeyInfo.</summary>
public static class CertificateIdentity
{
    public static string Compute(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        return Convert.ToHexStringLower(SHA256.HashData(spki));
    }
}
