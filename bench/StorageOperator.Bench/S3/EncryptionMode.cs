using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace StorageOperator.Bench.S3;

/// <summary>
/// How a scenario asks for encryption, and how it checks the server really did it: a server that drops the SSE
/// headers and stores plaintext would otherwise produce an "encrypted" number that is a plain one.
/// </summary>
public sealed class EncryptionMode
{
    private readonly string? _customerKey;

    private EncryptionMode(string name, SseKind kind, string? kmsKeyId, string? customerKey, bool bucketKey = false)
    {
        Name = name;
        Kind = kind;
        KmsKeyId = kmsKeyId;
        _customerKey = customerKey;
        BucketKey = bucketKey;
    }

    public string Name { get; }

    public SseKind Kind { get; }

    public string? KmsKeyId { get; }

    /// <summary>SSE-KMS with an S3 Bucket Key (x-amz-server-side-encryption-bucket-key-enabled: true on writes).</summary>
    public bool BucketKey { get; }

    public bool Encrypted => Kind != SseKind.None;

    public static EncryptionMode Plain { get; } = new("plain", SseKind.None, null, null);

    public static EncryptionMode SseS3 { get; } = new("SSE-S3", SseKind.SseS3, null, null);

    public static EncryptionMode SseKms(string keyId) => new("SSE-KMS", SseKind.SseKms, keyId, null);

    /// <summary>SSE-KMS with S3 Bucket Keys: one key-server GenerateKey per bucket and window instead of one per object.</summary>
    public static EncryptionMode SseKmsBucketKey(string keyId) => new("SSE-KMS+BK", SseKind.SseKms, keyId, null, bucketKey: true);

    public static EncryptionMode SseC() => new("SSE-C", SseKind.SseC, null, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public void Apply(PutObjectRequest request)
    {
        switch (Kind)
        {
            case SseKind.SseS3:
                request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                break;
            case SseKind.SseKms:
                request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                request.ServerSideEncryptionKeyManagementServiceKeyId = KmsKeyId;
                if (BucketKey)
                {
                    request.BucketKeyEnabled = true;
                }

                break;
            case SseKind.SseC:
                request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                request.ServerSideEncryptionCustomerProvidedKey = _customerKey;
                break;
        }
    }

    public void Apply(InitiateMultipartUploadRequest request)
    {
        switch (Kind)
        {
            case SseKind.SseS3:
                request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                break;
            case SseKind.SseKms:
                request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                request.ServerSideEncryptionKeyManagementServiceKeyId = KmsKeyId;
                if (BucketKey)
                {
                    request.BucketKeyEnabled = true;
                }

                break;
            case SseKind.SseC:
                request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                request.ServerSideEncryptionCustomerProvidedKey = _customerKey;
                break;
        }
    }

    public void Apply(UploadPartRequest request)
    {
        if (Kind == SseKind.SseC)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = _customerKey;
        }
    }

    public void Apply(CompleteMultipartUploadRequest request)
    {
        if (Kind == SseKind.SseC)
        {
            request.SSECustomerAlgorithm = ServerSideEncryptionCustomerMethod.AES256;
            request.SSECustomerKey = _customerKey;
        }
    }

    public void Apply(GetObjectRequest request)
    {
        if (Kind == SseKind.SseC)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = _customerKey;
        }
    }

    public void Apply(GetObjectMetadataRequest request)
    {
        if (Kind == SseKind.SseC)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = _customerKey;
        }
    }

    /// <summary>Null when the response confirms the encryption asked for; otherwise why it does not.</summary>
    public string? Unconfirmed(ServerSideEncryptionMethod? method, ServerSideEncryptionCustomerMethod? customerMethod, bool? bucketKeyEnabled)
    {
        if (BucketKey && method?.Value == ServerSideEncryptionMethod.AWSKMS.Value && bucketKeyEnabled != true)
        {
            return $"server ignored {Name}: no x-amz-server-side-encryption-bucket-key-enabled: true in the response";
        }

        var expected = Kind switch
        {
            SseKind.SseS3 => method?.Value == ServerSideEncryptionMethod.AES256.Value,
            SseKind.SseKms => method?.Value == ServerSideEncryptionMethod.AWSKMS.Value,
            SseKind.SseC => customerMethod?.Value == ServerSideEncryptionCustomerMethod.AES256.Value,
            _ => true,
        };
        return expected
            ? null
            : $"server ignored {Name}: no x-amz-server-side-encryption{(Kind == SseKind.SseC ? "-customer-algorithm" : "")} header in the response";
    }

    public override string ToString() => Name;
}
