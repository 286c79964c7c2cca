using System.Security.Cryptography;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// The embedded single-key KMS (<c>STORAGE_KMS_SECRET_KEY=name:base64(32 bytes)</c>, MinIO
/// <c>internal/kms/secret-key.go</c>). Data keys are wrapped in the KES binary format with AES-256-GCM, so data keys
/// MinIO sealed with the same secret (including its legacy JSON ciphertexts) decrypt here and vice versa.
/// </summary>
public sealed class StaticKeyKms : IKmsClient, IDisposable
{
    private readonly KmsSecretKey _key;

    public StaticKeyKms(string keyName, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        DefaultKeyId = keyName;
        _key = new KmsSecretKey(key, KmsKeyAlgorithm.Aes256);
    }

    public string DefaultKeyId { get; }

    /// <summary>Parses <c>name:base64</c>; the error never echoes the secret.</summary>
    public static StaticKeyKms Parse(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var colon = secret.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new FormatException("The KMS secret key must have the form <key-name>:<base64 of 32 bytes>.");
        }

        var name = secret[..colon];
        if (name.Length == 0)
        {
            throw new FormatException("The KMS secret key has an empty key name.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret[(colon + 1)..].Trim());
        }
        catch (FormatException)
        {
            throw new FormatException($"The KMS secret key '{name}' is not valid base64.");
        }

        try
        {
            return key.Length == KmsSecretKey.KeySize
                ? new StaticKeyKms(name, key)
                : throw new FormatException($"The KMS secret key '{name}' must be 32 bytes, not {key.Length}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        var name = Resolve(keyId);
        var plaintext = RandomNumberGenerator.GetBytes(32);
        return Task.FromResult(new DataKey(name, plaintext, _key.Encrypt(plaintext, context.Span)));
    }

    public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        Resolve(keyId);
        return Task.FromResult(_key.Decrypt(ciphertext.Span, context.Span, trustDeclaredAlgorithm: true));
    }

    public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrEmpty(keyId) ? DefaultKeyId : keyId;
        return Task.FromException(name == DefaultKeyId
            ? new KmsException(KmsErrorKind.KeyExists, "key already exists")
            : new KmsException(KmsErrorKind.InvalidArgument, "The static-key KMS cannot create keys."));
    }

    public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new KmsStatus("static", DefaultKeyId, [new KmsEndpointStatus("builtin", Online: true, Version: "v1")]));

    private string Resolve(string keyId)
    {
        var name = string.IsNullOrEmpty(keyId) ? DefaultKeyId : keyId;
        return name == DefaultKeyId ? name : throw new KmsException(KmsErrorKind.KeyNotFound, $"Invalid keyId '{name}': key does not exist");
    }

    public void Dispose() => _key.Dispose();
}
