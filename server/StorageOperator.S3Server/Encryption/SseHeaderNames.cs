namespace StorageOperator.S3Server.Encryption;

/// <summary>The SSE request and response headers (reference §1.1).</summary>
public static class SseHeaderNames
{
    public const string ServerSideEncryption = "x-amz-server-side-encryption";
    public const string KmsKeyId = "x-amz-server-side-encryption-aws-kms-key-id";
    public const string Context = "x-amz-server-side-encryption-context";
    public const string BucketKeyEnabled = "x-amz-server-side-encryption-bucket-key-enabled";
    public const string CustomerAlgorithm = "x-amz-server-side-encryption-customer-algorithm";
    public const string CustomerKey = "x-amz-server-side-encryption-customer-key";
    public const string CustomerKeyMd5 = "x-amz-server-side-encryption-customer-key-MD5";
    public const string CopySourceCustomerAlgorithm = "x-amz-copy-source-server-side-encryption-customer-algorithm";
    public const string CopySourceCustomerKey = "x-amz-copy-source-server-side-encryption-customer-key";
    public const string CopySourceCustomerKeyMd5 = "x-amz-copy-source-server-side-encryption-customer-key-MD5";

    public const string Aes256 = "AES256";
    public const string AwsKms = "aws:kms";
    public const string AwsKmsDsse = "aws:kms:dsse";

    /// <summary>MinIO strips this prefix from key ids and adds it back in responses.</summary>
    public const string KmsArnPrefix = "arn:aws:kms:";
}
