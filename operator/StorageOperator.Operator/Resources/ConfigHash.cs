using System.Security.Cryptography;
using System.Text;

namespace StorageOperator.Operator.Resources;

/// <summary>
/// Hash of configuration a server reads only at start (credentials, the key server's non-policy
/// config, the root key). Stamped on the pod template so a change rolls the pods. Certificates, CA
/// bundles and key-server policies are left out on purpose: the servers reload those in place.
/// </summary>
public static class ConfigHash
{
    public static string Of(params IEnumerable<string?>[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts.SelectMany(p => p))
        {
            var bytes = Encoding.UTF8.GetBytes(part ?? "\0null");
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
