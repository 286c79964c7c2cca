namespace StorageOperator.S3.Protocol.Auth;

/// <summary>Looks up the secret key that signs requests for an access key id.</summary>
public interface ICredentialProvider
{
    /// <summary>The secret key, or null when the access key id is unknown.</summary>
    string? GetSecretKey(string accessKeyId);
}
