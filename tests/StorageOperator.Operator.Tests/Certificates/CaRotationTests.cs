using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Tls;
using Xunit;

namespace StorageOperator.Operator.Tests.Certificates;

public sealed class CaRotationTests
{
    private static readonly TimeSpan Validity = TimeSpan.FromHours(30);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    [Fact]
    public void Creates_then_publishes_then_promotes_then_drops_the_expired_CA()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new CertificateIssuer(clock);
        DateTime Now() => clock.GetUtcNow().UtcDateTime;
        var created = 0;
        System.Security.Cryptography.X509Certificates.X509Certificate2 NewCa()
        {
            created++;
            return issuer.CreateAuthority($"ca {created}", Validity);
        }

        var state = CaRotation.Step(null, Now(), Grace, NewCa)!;
        Assert.Single(PemFiles.ParseCertificates(state.Bundle));
        Assert.Null(CaRotation.Step(state, Now(), Grace, NewCa));

        clock.Advance(TimeSpan.FromHours(20) + TimeSpan.FromMinutes(1));
        var published = CaRotation.Step(state, Now(), Grace, NewCa)!;
        Assert.Equal(state.ActiveCertificate, published.ActiveCertificate);
        Assert.NotNull(published.NextCertificate);
        Assert.Equal(2, PemFiles.ParseCertificates(published.Bundle).Count);

        clock.Advance(Grace - TimeSpan.FromMinutes(1));
        Assert.Null(CaRotation.Step(published, Now(), Grace, NewCa));

        clock.Advance(TimeSpan.FromMinutes(2));
        var promoted = CaRotation.Step(published, Now(), Grace, NewCa)!;
        Assert.Equal(published.NextCertificate, promoted.ActiveCertificate);
        Assert.Null(promoted.NextCertificate);
        Assert.Equal(2, PemFiles.ParseCertificates(promoted.Bundle).Count);

        // Once the old CA has expired it leaves the bundle.
        clock.Advance(TimeSpan.FromHours(10));
        var pruned = CaRotation.Step(promoted, Now(), Grace, NewCa)!;
        Assert.Single(PemFiles.ParseCertificates(pruned.Bundle));
        Assert.Equal(2, created);
    }
}
