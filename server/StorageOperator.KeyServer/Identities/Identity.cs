using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace StorageOperator.KeyServer.Identities;

/// <summary>
/// A KES identity: lowercase hex SHA-256 of the certificate's DER SubjectPublicKeyInfo, the bytes Go exposes as
/// <c>RawSubjectPublicKeyInfo</c>. The SPKI is cut out of the certificate as encoded rather than re-exported, so the
/// hash is byte-identical to KES's whatever the key type or encoding quirks.
/// </summary>
public static class Identity
{
    public const int HexLength = 64;

    public static string Of(X509Certificate2 certificate) => OfDer(certificate.RawData);

    public static string OfDer(ReadOnlySpan<byte> certificateDer) =>
        Convert.ToHexStringLower(SHA256.HashData(SubjectPublicKeyInfo(certificateDer)));

    public static string OfSubjectPublicKeyInfo(ReadOnlySpan<byte> spkiDer) => Convert.ToHexStringLower(SHA256.HashData(spkiDer));

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, signature, issuer, validity, subject, spki, … } … }</summary>
    public static ReadOnlySpan<byte> SubjectPublicKeyInfo(ReadOnlySpan<byte> certificateDer)
    {
        try
        {
            AsnDecoder.ReadSequence(certificateDer, AsnEncodingRules.DER, out var certOffset, out var certLength, out _);
            var certificate = certificateDer.Slice(certOffset, certLength);
            AsnDecoder.ReadSequence(certificate, AsnEncodingRules.DER, out var tbsOffset, out var tbsLength, out _);
            var tbs = certificate.Slice(tbsOffset, tbsLength);
            var versionTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (Asn1Tag.TryDecode(tbs, out var first, out _) && first.HasSameClassAndValue(versionTag))
            {
                tbs = tbs[Skip(tbs)..];
            }

            for (var i = 0; i < 5; i++)
            {
                tbs = tbs[Skip(tbs)..]; // serial, signature, issuer, validity, subject
            }

            return tbs[..Skip(tbs)];
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("Not a DER X.509 certificate.", e);
        }
    }

    /// <summary>Lowercase 64-hex-digit strings only; anything else (e.g. "disabled") is no identity.</summary>
    public static bool IsWellFormed(string? identity) =>
        identity is { Length: HexLength } && identity.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>Constant time, so the comparison does not reveal how much of a pinned identity matched.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static int Skip(ReadOnlySpan<byte> der)
    {
        AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out _, out _, out var consumed);
        return consumed;
    }
}
