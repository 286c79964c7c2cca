using System.Security.Cryptography.X509Certificates;
using StorageOperator.Tls;

namespace StorageOperator.Operator.Certificates;

/// <summary>
/// Two-phase CA rollover, as a pure step from the stored state and the time: at two thirds of the
/// active CA's lifetime a next CA is generated and only published (bundle = old + new); after a grace
/// period long enough for every mounted bundle to refresh it becomes the signer; the old CA stays in
/// the bundle until it expires, so leaves it signed keep verifying while they are reissued.
/// </summary>
public static class CaRotation
{
    public static CaState? Step(CaState? current, DateTime now, TimeSpan grace, Func<X509Certificate2> newCa)
    {
        if (current is null)
        {
            using var ca = newCa();
            var pem = PemFiles.ExportCertificate(ca);
            return new CaState(pem, PemFiles.ExportPrivateKey(ca), pem);
        }

        var next = current;
        if (current.NextCertificate is not null && current.NextKey is not null && current.NextPublished is { } published && now >= published + grace)
        {
            next = new CaState(current.NextCertificate, current.NextKey, current.Bundle);
        }
        else if (current.NextCertificate is null && now >= RenewalTime(current.ActiveCertificate))
        {
            using var ca = newCa();
            next = current with
            {
                NextCertificate = PemFiles.ExportCertificate(ca),
                NextKey = PemFiles.ExportPrivateKey(ca),
                NextPublished = now,
            };
        }

        var bundle = CaBundle.Merge([next.ActiveCertificate, next.NextCertificate, next.Bundle], now);
        next = next with { Bundle = bundle };
        return next == current ? null : next;
    }

    public static DateTime RenewalTime(string certificatePem)
    {
        using var cert = X509Certificate2.CreateFromPem(certificatePem);
        return CertificateFacts.Of(cert).RenewalTime(null);
    }
}
