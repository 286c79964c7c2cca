using System.Security.Cryptography;

namespace StorageOperator.Crypto.Kms;

public static class KmsClientExtensions
{
    /// <summary>
    /// MinIO's start-up check (§2.4): GenerateKey on the default key; when it does not exist, create it. A key that
    /// appeared meanwhile, or a policy that forbids creating keys, is tolerated; anything else (unreachable KMS)
    /// propagates.
    /// </summary>
    public static async Task EnsureDefaultKeyAsync(this IKmsClient kms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kms);
        try
        {
            var key = await kms.GenerateKeyAsync(kms.DefaultKeyId, KmsContext.Marshal([]), cancellationToken).ConfigureAwait(false);
            CryptographicOperations.ZeroMemory(key.Plaintext);
        }
        catch (KmsException e) when (e.Kind == KmsErrorKind.KeyNotFound)
        {
            try
            {
                await kms.CreateKeyAsync(kms.DefaultKeyId, cancellationToken).ConfigureAwait(false);
            }
            catch (KmsException c) when (c.Kind is KmsErrorKind.KeyExists or KmsErrorKind.AccessDenied)
            {
            }
        }
    }
}
