using System.Net;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Apply;

namespace StorageOperator.Operator.Resources;

/// <summary>Pure builder of the cert-manager Certificate for a server; spec fields pass through.</summary>
public static class CertManagerCertificates
{
    public static CertManagerCertificate Build<TOwner>(TOwner owner, CertManagerTls spec, string secretName, IReadOnlyList<string> hosts, IDictionary<string, string> labels)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        var dns = hosts.Where(h => !IPAddress.TryParse(h, out _)).ToList();
        var ips = hosts.Where(h => IPAddress.TryParse(h, out _)).ToList();
        var certificate = new CertManagerCertificate
        {
            Metadata = new V1ObjectMeta
            {
                Name = secretName,
                NamespaceProperty = owner.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(labels),
            },
            Spec = new CertManagerCertificateSpec
            {
                SecretName = secretName,
                IssuerRef = new CertManagerIssuerRef
                {
                    Name = spec.IssuerRef.Name,
                    Kind = (spec.IssuerRef.Kind ?? IssuerKind.Issuer).ToString(),
                    Group = spec.IssuerRef.Group ?? "cert-manager.io",
                },
                CommonName = dns.FirstOrDefault(),
                DnsNames = dns.Count > 0 ? dns : null,
                IpAddresses = ips.Count > 0 ? ips : null,
                Duration = spec.Duration,
                RenewBefore = spec.RenewBefore,
                PrivateKey = spec.PrivateKey is { } key
                    ? new CertManagerPrivateKey
                    {
                        Algorithm = (key.Algorithm ?? PrivateKeyAlgorithm.Ecdsa) switch
                        {
                            PrivateKeyAlgorithm.Rsa => "RSA",
                            PrivateKeyAlgorithm.Ed25519 => "Ed25519",
                            _ => "ECDSA",
                        },
                        Size = key.Size,
                        RotationPolicy = key.RotationPolicy?.ToString(),
                    }
                    : new CertManagerPrivateKey { Algorithm = "ECDSA", Size = 256 },
                Usages = ["server auth", "digital signature", "key encipherment"],
                SecretTemplate = new CertManagerSecretTemplate { Labels = new Dictionary<string, string>(labels) },
            },
        };
        ServerSideApply.SetController(certificate, owner);
        return certificate;
    }
}
