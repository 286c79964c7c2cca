using System.Security.Cryptography;
using System.Text;
using StorageOperator.S3.Protocol.Auth;

namespace StorageOperator.S3Server.Hosting;

/// <summary>The single root identity.</summary>
public sealed class StaticCredentialProvider(Credentials credentials) : ICredentialProvider
{
    public string? GetSecretKey(string accessKeyId) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(accessKeyId), Encoding.UTF8.GetBytes(credentials.AccessKey))
            ? credentials.SecretKey
            : null;
}
