using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Operator.Controllers.Probes;

/// <param name="Endpoint">the key server's Service URL, e.g. https://keys.ns.svc:7373.</param>
/// <param name="ClientCertificate">the store's client certificate with its private key.</param>
/// <param name="TrustedCas">the key server's CA bundle; nothing else is trusted.</param>
public sealed record KeyServerProbeRequest(Uri Endpoint, X509Certificate2 ClientCertificate, IReadOnlyList<X509Certificate2> TrustedCas, string KeyName);
