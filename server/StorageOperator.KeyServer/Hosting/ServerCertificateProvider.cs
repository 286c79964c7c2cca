using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.KeyServer.Configuration;

namespace StorageOperator.KeyServer.Hosting;

/// <summary>
/// The server certificate (with any intermediates from the cert file), reloaded when the files change so a rotated
/// certificate is served without a restart. A broken new pair keeps the old one.
/// </summary>
public sealed class ServerCertificateProvider
{
    private readonly TlsConfig _tls;
    private string _fingerprint = "";
    private SslStreamCertificateContext _current;

    public ServerCertificateProvider(TlsConfig tls)
    {
        _tls = tls;
        _current = Load(out _fingerprint);
    }

    /// <summary>Set once the host's logging exists; the first load throws instead of logging.</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public SslStreamCertificateContext Current => Volatile.Read(ref _current);

    public void ReloadIfChanged()
    {
        try
        {
            if (FilesFingerprint() == _fingerprint)
            {
                return;
            }

            var context = Load(out var fingerprint);
            Volatile.Write(ref _current, context);
            _fingerprint = fingerprint;
            Logger.LogInformation("server certificate reloaded: {Subject}", context.TargetCertificate.Subject);
        }
        catch (Exception e) when (e is IOException or CryptographicException or ArgumentException)
        {
            Logger.LogError("server certificate reload failed, keeping the current one: {Message}", e.Message);
        }
    }

    private SslStreamCertificateContext Load(out string fingerprint)
    {
        if (_tls.CertificatePath is null || _tls.PrivateKeyPath is null)
        {
            throw new ArgumentException("tls.cert and tls.key are required");
        }

        fingerprint = FilesFingerprint();
        var leaf = _tls.Password is null
            ? X509Certificate2.CreateFromPemFile(_tls.CertificatePath, _tls.PrivateKeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(_tls.CertificatePath, _tls.Password, _tls.PrivateKeyPath);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(_tls.CertificatePath);
        var intermediates = new X509Certificate2Collection();
        foreach (var cert in all)
        {
            if (cert.Thumbprint != leaf.Thumbprint)
            {
                intermediates.Add(cert);
            }
        }

        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    private string FilesFingerprint()
    {
        var hash = new List<byte>();
        hash.AddRange(SHA256.HashData(File.ReadAllBytes(_tls.CertificatePath!)));
        hash.AddRange(SHA256.HashData(File.ReadAllBytes(_tls.PrivateKeyPath!)));
        return Convert.ToHexString(hash.ToArray());
    }
}
