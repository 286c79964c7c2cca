namespace StorageOperator.Operator.Certificates;

/// <summary>
/// The per-namespace CA as stored in its Secret: the active signer, an optional next CA already
/// published in the bundle but not yet signing, and the bundle of every CA consumers must trust.
/// </summary>
public sealed record CaState(
    string ActiveCertificate,
    string ActiveKey,
    string Bundle,
    string? NextCertificate = null,
    string? NextKey = null,
    DateTime? NextPublished = null);
