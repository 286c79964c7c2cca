using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Operator.Certificates;

public sealed record LeafResult(X509Certificate2 Certificate, CertificateFacts Facts, LeafAction Action, string Reason);
