using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace StorageOperator.Tls;

public static class KestrelTlsExtensions
{
    /// <summary>The only protocol versions any of our servers negotiates.</summary>
    public const SslProtocols EnabledProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Serves TLS with the certificate the folder selects for each handshake's SNI, so a reload applies to new
    /// connections without a restart. Client certificates, when requested, are accepted whatever their chain: the
    /// application decides identity and authorization (KES pins public keys). <paramref name="clientCertificateValidation"/>
    /// can veto a presented certificate at the TLS layer.
    /// </summary>
    public static ListenOptions UseCertificateFolder(
        this ListenOptions listen,
        CertificateFolder folder,
        ClientCertificateMode clientMode = ClientCertificateMode.NoCertificate,
        Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? clientCertificateValidation = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(folder);
        if (clientMode == ClientCertificateMode.DelayCertificate)
        {
            throw new NotSupportedException("Delayed client certificate negotiation is not supported; use AllowCertificate or RequireCertificate.");
        }

        var options = new TlsHandshakeCallbackOptions
        {
            OnConnection = context =>
            {
                var certificate = folder.SelectCertificateContext(context.ClientHelloInfo.ServerName)
                    ?? throw new AuthenticationException(
                        $"No certificate in {folder.Path} matches the requested server name '{context.ClientHelloInfo.ServerName}'.");
                return ValueTask.FromResult(CreateServerOptions(certificate, clientMode, clientCertificateValidation));
            },
        };
        return listen.UseHttps(options);
    }

    /// <summary>The server options used per handshake; public for hosts that run SslStream themselves.</summary>
    public static SslServerAuthenticationOptions CreateServerOptions(
        SslStreamCertificateContext certificate,
        ClientCertificateMode clientMode = ClientCertificateMode.NoCertificate,
        Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? clientCertificateValidation = null)
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            EnabledSslProtocols = EnabledProtocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateRequired = clientMode != ClientCertificateMode.NoCertificate,
        };
        if (clientMode != ClientCertificateMode.NoCertificate)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null)
                {
                    return clientMode != ClientCertificateMode.RequireCertificate;
                }

                var cert = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return clientCertificateValidation?.Invoke(cert, chain, errors) ?? true;
            };
        }

        return options;
    }
}
