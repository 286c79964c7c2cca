using System.Security.Cryptography.X509Certificates;

namespace StorageOperator.Operator.Certificates;

/// <summary>The namespace CA as a reconcile uses it: the signer and the PEM bundle to publish.</summary>
public sealed record CaSnapshot(X509Certificate2 Signer, string Bundle, string SignerKeyId, bool Rotated);
