namespace StorageOperator.Crypto.Kms;

/// <summary>Health of a KMS: the backend kind and one entry per endpoint.</summary>
public sealed record KmsStatus(string Backend, string DefaultKeyId, IReadOnlyList<KmsEndpointStatus> Endpoints)
{
    public bool IsOnline => Endpoints.Any(e => e.Online);
}
